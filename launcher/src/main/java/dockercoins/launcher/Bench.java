package dockercoins.launcher;

import dockercoins.launcher.BenchReport.Goal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./dockercoins bench}: the scaling lab as a reproducible experiment. It runs its own
 * stack (project {@value #PROJECT}, on free ports, from a copy of the jars in .dockercoins/bench-project/)
 * so a running stack is left alone, measures the lab with its delays, the stack without them
 * ("turbo"), and each service's start-up and memory, then stops everything it started.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures DockerCoins on this machine: hashes/s against workers with the lab's delays (and with rng "
                + "scaled), the same without delays (hashes per CPU-second, raw requests/s of rng and hasher), and each "
                + "service's start-up time and memory, beside the original's figures and the targets.",
                "It runs its own stack (project " + Bench.PROJECT + ", on free ports), so a running stack is left alone, "
                        + "and stops everything it started, also on Ctrl-C. Results: a table, then results.csv, "
                        + "results.json and hashes-per-second.png in the results folder.",
                "A full run takes about 5 minutes; --quick well under one."})
final class Bench implements Callable<Integer> {
    static final String PROJECT = "dockercoins-bench";

    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "A short run (well under a minute): fewer points, short steps. For a smoke test, not for figures.")
    boolean quick;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "An earlier results.json: print each figure's ratio to it.")
    Path baseline;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the results here (default: .dockercoins/bench/<UTC time>/ in the project directory).")
    Path out;

    @Option(names = "--step", paramLabel = "SECONDS",
            description = "Seconds measured at each lab step (default: 20, or 3 with --quick); turbo steps take half.")
    Integer stepSeconds;

    @Option(names = "--no-build", description = "Use the service jars as they are, even if their sources changed (a missing jar is an error).")
    boolean noBuild;

    @Option(names = "--load-generator", paramLabel = "TOOL",
            description = "What loads rng and hasher for the raw requests/s: wrk, builtin (the JDK's HttpClient) or auto "
                    + "(wrk when installed; default).")
    String loadGenerator = "auto";

    /** The lab as the workshop runs it: the defaults of every knob, whatever the user's .env says. */
    static final Map<String, String> LAB = Map.of("RNG_DELAY", "0.1", "RNG_CONCURRENCY", "1", "HASHER_DELAY", "0.1",
            "WORKER_DELAY", "0.1", "DEBUG", "no");
    /** No teaching delays and no single-file rng: what the code costs. */
    static final Map<String, String> TURBO = Map.of("RNG_DELAY", "0", "RNG_CONCURRENCY", "0", "HASHER_DELAY", "0",
            "WORKER_DELAY", "0", "DEBUG", "no");

    /** The original DockerCoins (Python, Ruby, Node), measured on the same 2-core machine (issue 5). */
    static final Map<String, Double> ORIGINAL_STARTUP_S = Map.of("rng", 0.10, "hasher", 0.16, "worker", 0.12, "webui", 0.29);
    static final Map<String, Double> ORIGINAL_MEMORY_MB = Map.of("rng", 32.0, "hasher", 32.0, "worker", 32.0,
            "webui", 67.0, "redis", 12.0);

    /** Lab steps as {workers, rng replicas}; warm-ups in milliseconds (new JVMs start and compile). */
    record Plan(List<int[]> lab, int labWarm, int labSeconds, List<Integer> turbo, int turboWarm, int turboSeconds,
                int rawSeconds, int startupRuns, int idleMillis) {
        static Plan of(boolean quick, Integer step) {
            if (quick) {
                int s = step != null ? step : 3;
                return new Plan(List.of(new int[] {1, 1}, new int[] {3, 1}), 1000, s, List.of(1, 2), 1500, Math.max(2, s - 1),
                        2, 1, 300);
            }
            int s = step != null ? step : 20;
            return new Plan(List.of(new int[] {1, 1}, new int[] {2, 1}, new int[] {3, 1}, new int[] {5, 1}, new int[] {10, 1},
                    new int[] {10, 2}, new int[] {10, 3}), 5000, s, List.of(1, 2, 4, 8), 4000, Math.max(2, s / 2), 10, 5, 1000);
        }

        int maxLabWorkers() {
            return lab.stream().mapToInt(p -> p[0]).max().orElse(1);
        }
    }

    private Path projectDir;
    private int portBase;
    private Path results;
    private PrintWriter stackLog;
    private Progress progress;
    private final BenchReport report = new BenchReport();
    private final Set<Process> spawned = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final AtomicBoolean cleaning = new AtomicBoolean();
    private boolean cleanedUp;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        projectDir = launcher.stack(console).projectDir;
        if (!Files.isDirectory(projectDir.resolve("worker"))) {
            throw new LaunchException(projectDir + " is not a DockerCoins project directory (no worker/ in it)");
        }
        if (stepSeconds != null && (stepSeconds < 1 || stepSeconds > 600)) {
            throw new ParameterException(spec.commandLine(), "--step must be from 1 to 600 seconds, got " + stepSeconds);
        }
        boolean useWrk = switch (loadGenerator) {
            case "auto" -> LoadGenerator.wrkInstalled();
            case "builtin" -> false;
            case "wrk" -> {
                if (!LoadGenerator.wrkInstalled()) throw new LaunchException("--load-generator wrk: no wrk on PATH (apt install wrk)");
                yield true;
            }
            default -> throw new ParameterException(spec.commandLine(),
                    "--load-generator must be wrk, builtin or auto, got \"" + loadGenerator + "\"");
        };
        Map<String, Double> before = baseline == null ? null : BenchReport.readBaseline(baseline);
        Plan plan = Plan.of(quick, stepSeconds);
        Instant started = Instant.now();
        results = (out != null ? out.toAbsolutePath().normalize() : projectDir.resolve(".dockercoins").resolve("bench")
                .resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started)));
        Files.createDirectories(results);
        Path realProject = projectDir;
        portBase = launcher.portBase != null ? launcher.portBase : freePortBase();
        progress = new Progress(console, launcher.colour(false));

        report.about.put("started", started.toString());
        report.about.put("mode", quick ? "quick (a smoke run: do not compare its figures)" : "full");
        report.about.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, load average "
                + Probes.loadAverage() + " at start");
        report.about.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        report.about.put("jvm flags", String.join(" ", Stack.JVM_FLAGS) + " -XX:SharedArchiveFile=.dockercoins/cds/<service>.jsa");
        report.about.put("ports", "webui " + portBase + ", rng " + (portBase + 1) + ", hasher " + (portBase + 2));
        report.about.put("results", results.toString());

        if (noBuild) {
            for (Service s : Launcher.all()) {
                if (s != Service.REDIS && !Files.isRegularFile(Build.jar(projectDir, s))) {
                    throw new LaunchException(projectDir.relativize(Build.jar(projectDir, s)) + " is missing: run without --no-build");
                }
            }
        } else {
            Build.ensure(projectDir, projectDir.resolve(".dockercoins"), Launcher.all(), false, console);
        }
        projectDir = realProject.resolve(".dockercoins").resolve("bench-project");
        console.println("Benchmarking DockerCoins (" + (quick ? "quick" : "full, about 5 minutes") + ") on ports "
                + portBase + "-" + (portBase + 2) + "; results in " + results);
        console.flush();

        Thread main = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            aborted.set(true);
            if (!cleaning.get()) main.interrupt();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // stop what is left below
            }
            cleanup();
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        stackLog = new PrintWriter(Files.newBufferedWriter(results.resolve("launcher.log")), true);
        AutoCloseable lock = null;
        try {
            Stack lab = stack(LAB);
            lock = lab.lock();
            // Under the lock: another bench may be running from the same copy.
            snapshot(realProject);
            // A bench killed with -9 leaves its replicas: they are ours to stop.
            lab.stopInOrder(lab.replicas());
            for (Replica r : lab.replicas()) lab.deleteState(r);
            run(plan, useWrk);
            report.about.put("load average at end", Probes.loadAverage());
            report.figures.sort(Comparator.comparingInt(f -> List.of("lab", "turbo", "raw", "startup", "memory").indexOf(f.phase())));
            report.writeCsv(results.resolve(BenchReport.CSV));
            report.writeJson(results.resolve(BenchReport.JSON));
            report.writeChart(results.resolve(BenchReport.PNG));
            console.println();
            report.printTable(console, before);
            console.println();
            console.println("Wrote " + results.resolve(BenchReport.CSV) + ", " + BenchReport.JSON + ", " + BenchReport.PNG);
            console.flush();
            return 0;
        } catch (LaunchException | UncheckedIOException e) {
            if (aborted.get()) {
                progress.done("Interrupted: stopping what the bench started");
                return 130;
            }
            throw e;
        } finally {
            cleanup();
            if (lock != null) lock.close();
            stackLog.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running
            }
        }
    }

    /**
     * The bench runs a copy of the jars (and of webui's files), in .dockercoins/bench-project/: a
     * teammate's rebuild in the middle of a run would otherwise change the jar under the stack
     * (the launcher then recreates the replicas, or finds no jar). The copy keeps its class-data
     * archives from run to run, and its stack state in its own .dockercoins/.
     */
    private static Path snapshot(Path project) throws IOException {
        Path copy = project.resolve(".dockercoins").resolve("bench-project");
        for (Service s : Launcher.all()) {
            if (s == Service.REDIS) continue;
            copyIfChanged(Build.jar(project, s), Build.jar(copy, s));
        }
        copyIfChanged(project.resolve("launcher").resolve("target").resolve("lib").resolve("embedded-redis.jar"),
                copy.resolve("launcher").resolve("target").resolve("lib").resolve("embedded-redis.jar"));
        Path files = project.resolve("webui").resolve("files");
        if (Files.isDirectory(files)) {
            try (var paths = Files.walk(files)) {
                for (Path f : paths.filter(Files::isRegularFile).toList()) {
                    copyIfChanged(f, copy.resolve("webui").resolve("files").resolve(files.relativize(f).toString()));
                }
            }
        }
        Files.createDirectories(copy.resolve("worker"));
        return copy;
    }

    private static void copyIfChanged(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) return;
        if (Files.isRegularFile(to) && Files.size(to) == Files.size(from)
                && Files.getLastModifiedTime(to).equals(Files.getLastModifiedTime(from))) return;
        Files.createDirectories(to.getParent());
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Stack stack(Map<String, String> env) {
        return new Stack(projectDir, PROJECT, portBase, new HashMap<>(env), stackLog);
    }

    private static Map<Service, Integer> counts(int rng, int workers) {
        Map<Service, Integer> m = new EnumMap<>(Service.class);
        m.put(Service.REDIS, 1);
        m.put(Service.RNG, rng);
        m.put(Service.HASHER, 1);
        m.put(Service.WEBUI, 1);
        m.put(Service.WORKER, workers);
        return m;
    }

    private void run(Plan plan, boolean useWrk) throws IOException {
        Stack lab = stack(LAB);
        progress.live("Starting redis, rng, hasher and webui");
        lab.converge(counts(1, 0), Stack.Mode.UP);
        try (Probes.Redis redis = new Probes.Redis(lab.redisUrl())) {
            startups(lab, redis, plan);
            labSteps(lab, redis, plan);
            turbo(redis, plan, useWrk);
        }
    }

    // ---- start-up -----------------------------------------------------------------------------

    /** Each service started alone (as the launcher starts it), timed from exec to its first answer. */
    private void startups(Stack lab, Probes.Redis redis, Plan plan) throws IOException {
        for (Service s : List.of(Service.RNG, Service.HASHER, Service.WORKER, Service.WEBUI)) {
            List<Double> times = new ArrayList<>();
            List<Double> firstLines = new ArrayList<>();
            Probes.Memory idle = Probes.Memory.NONE;
            // Full runs start each service once unmeasured: it writes the class-data archive if the jar is new.
            for (int run = plan.startupRuns() > 1 ? -1 : 0; run < plan.startupRuns(); run++) {
                progress.live("start-up " + s + ": run " + (run + 1) + "/" + plan.startupRuns());
                double[] t = startOnce(lab, s, redis, plan.idleMillis());
                if (run < 0) continue;
                times.add(t[0]);
                if (!Double.isNaN(t[1])) firstLines.add(t[1]);
                idle = new Probes.Memory(t[2], t[3]);
            }
            double median = median(times);
            String what = s.listens() ? "first response (GET /)" : "first INCRBY";
            report.add("startup." + s + ".seconds", "startup", s + ": start to " + what, median, "s",
                    Probes.stdev(times), times.size(), ORIGINAL_STARTUP_S.get(s.id()), Goal.AT_MOST);
            if (!firstLines.isEmpty()) {
                report.add("startup." + s + ".first_log_line_s", "startup", s + ": start to first log line", median(firstLines), "s",
                        Probes.stdev(firstLines), firstLines.size(), Double.NaN, Goal.NONE);
            }
            report.add("startup." + s + ".idle_rss_mb", "startup", s + ": RSS just after start", idle.rssMb(), "MB");
            report.add("startup." + s + ".idle_pss_mb", "startup", s + ": PSS just after start", idle.pssMb(), "MB");
            progress.done(String.format(Locale.ROOT, "start-up %-6s %6.3f s to %s (median of %d), RSS %.1f MB",
                    s, median, what, times.size(), idle.rssMb()));
        }
    }

    /** [seconds to first answer, seconds to first log line or NaN, idle RSS MB, idle PSS MB]. */
    private double[] startOnce(Stack lab, Service s, Probes.Redis redis, int idleMillis) throws IOException {
        int port = s.listens() ? freePort() : 0;
        Stack.Spec spec = lab.spec(s, 99, port);
        if (s == Service.WORKER) redis.del("hashes");
        ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(projectDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(spec.env());
        if (s.listens()) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        spawned.add(p);
        try {
            AtomicLong firstLine = new AtomicLong();
            if (!s.listens()) {
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        if (r.readLine() != null) firstLine.set(System.nanoTime());
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the process ended
                    }
                });
            }
            long deadline = t0 + Duration.ofSeconds(30).toNanos();
            while (s.listens() ? Probes.get(port, "/", 1000) < 0 : redis.get("hashes") < 0) {
                if (!p.isAlive()) throw new LaunchException(s + " exited with code " + p.exitValue() + " while the bench timed its start-up");
                if (System.nanoTime() > deadline) throw new LaunchException(s + " did not answer within 30 s of its start");
                pause(2);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            pause(idleMillis);
            Probes.Memory m = Probes.memory(p.pid());
            double line = firstLine.get() == 0 ? Double.NaN : (firstLine.get() - t0) / 1e9;
            return new double[] {seconds, line, m.rssMb(), m.pssMb()};
        } finally {
            stopProcess(p);
        }
    }

    // ---- lab --------------------------------------------------------------------------------------

    private void labSteps(Stack lab, Probes.Redis redis, Plan plan) {
        int n = 0;
        for (int[] step : plan.lab()) {
            n++;
            int workers = step[0];
            int rng = step[1];
            String name = workers + (workers == 1 ? " worker" : " workers") + (rng > 1 ? ", rng x" + rng : "");
            String key = "lab.workers_" + workers + (rng > 1 ? "_rng_" + rng : "");
            progress.live("lab " + n + "/" + plan.lab().size() + ": " + name + ", starting");
            lab.converge(counts(rng, workers), Stack.Mode.UP);
            Window w = measure(lab, redis, "lab " + n + "/" + plan.lab().size() + ": " + name, plan.labWarm(), plan.labSeconds(), true);
            double ideal = BenchReport.ideal(workers, rng);
            boolean target = rng == 1 && (workers == 1 || workers == 2 || workers == 10);
            double original = rng == 1 ? switch (workers) {
                case 1 -> 3.25;
                case 2 -> 6.50;
                case 10 -> 9.65;
                default -> Double.NaN;
            } : Double.NaN;
            report.figures.add(new BenchReport.Figure(key + ".hashes_per_s", "lab", name + ": hashes/s", w.rate(), "h/s",
                    w.spread(), w.samples(), original, target ? Goal.WITHIN_5_PERCENT : Goal.IDEAL, ideal));
            List<Double> rngMs = sorted(w.rngMs());
            List<Double> hasherMs = sorted(w.hasherMs());
            boolean ten = workers == 10 && rng == 1;
            report.add(key + ".rng_get_p50_ms", "lab", name + ": rng GET / p50", Probes.quantile(rngMs, 0.5), "ms",
                    Double.NaN, rngMs.size(), ten ? 737 : Double.NaN, Goal.NONE);
            report.add(key + ".rng_get_p99_ms", "lab", name + ": rng GET / p99", Probes.quantile(rngMs, 0.99), "ms",
                    Double.NaN, rngMs.size(), Double.NaN, Goal.NONE);
            report.add(key + ".hasher_get_p50_ms", "lab", name + ": hasher GET / p50", Probes.quantile(hasherMs, 0.5), "ms",
                    Double.NaN, hasherMs.size(), ten ? 3.8 : Double.NaN, Goal.NONE);
            report.add(key + ".hasher_get_p99_ms", "lab", name + ": hasher GET / p99", Probes.quantile(hasherMs, 0.99), "ms",
                    Double.NaN, hasherMs.size(), Double.NaN, Goal.NONE);
            progress.done(String.format(Locale.ROOT, "lab   %-19s %6.2f hashes/s %s(ideal %.2f); rng GET / p50 %.0f ms p99 %.0f ms;"
                            + " hasher GET / p50 %.1f ms p99 %.1f ms", name, w.rate(), plusMinus(w.spread()), ideal,
                    Probes.quantile(rngMs, 0.5), Probes.quantile(rngMs, 0.99),
                    Probes.quantile(hasherMs, 0.5), Probes.quantile(hasherMs, 0.99)));
            if (workers == plan.maxLabWorkers() && rng == 1) memory(lab, workers);
        }
    }

    /** Memory of every replica under the lab's load, and of all workers together. */
    private void memory(Stack stack, int workers) {
        Probes.Memory all = Probes.Memory.NONE;
        for (Service s : List.of(Service.RNG, Service.HASHER, Service.WEBUI, Service.REDIS)) {
            Probes.Memory m = stack.replicas(s).stream().filter(r -> r.index() == 1).findFirst()
                    .map(r -> Probes.memory(r.pid())).orElse(Probes.Memory.NONE);
            report.add("memory." + s + ".rss_mb", "memory", s + ": RSS under lab load", m.rssMb(), "MB",
                    Double.NaN, 1, ORIGINAL_MEMORY_MB.get(s.id()), Goal.AT_MOST);
            report.add("memory." + s + ".pss_mb", "memory", s + ": PSS under lab load", m.pssMb(), "MB");
        }
        List<Replica> ws = stack.replicas(Service.WORKER);
        for (Replica r : ws) all = all.plus(Probes.memory(r.pid()));
        int n = Math.max(1, ws.size());
        report.add("memory.worker.rss_mb", "memory", "worker: RSS under lab load (mean of " + ws.size() + ")", all.rssMb() / n, "MB",
                Double.NaN, ws.size(), ORIGINAL_MEMORY_MB.get("worker"), Goal.AT_MOST);
        report.add("memory.worker.pss_mb", "memory", "worker: PSS under lab load (mean of " + ws.size() + ")", all.pssMb() / n, "MB");
        report.add("memory.workers_" + workers + "_together.rss_mb", "memory", workers + " workers together: RSS", all.rssMb(), "MB",
                Double.NaN, ws.size(), 32.0 * workers, Goal.AT_MOST);
        report.add("memory.workers_" + workers + "_together.pss_mb", "memory", workers + " workers together: PSS", all.pssMb(), "MB",
                Double.NaN, ws.size(), 32.0 * workers, Goal.AT_MOST);
    }

    // ---- turbo ------------------------------------------------------------------------------------

    private void turbo(Probes.Redis redis, Plan plan, boolean useWrk) {
        Stack turbo = stack(TURBO);
        double hashes = 0;
        double cpu = 0;
        double cpuWithSupervisors = 0;
        for (int workers : plan.turbo()) {
            String name = workers + (workers == 1 ? " worker" : " workers");
            progress.live("turbo: " + name + ", starting");
            turbo.converge(counts(1, workers), Stack.Mode.UP);
            Window w = measure(turbo, redis, "turbo: " + name, plan.turboWarm(), plan.turboSeconds(), false);
            double perCpu = w.rate() * w.seconds() / w.cpu();
            report.add("turbo.workers_" + workers + ".hashes_per_s", "turbo", name + ": hashes/s", w.rate(), "h/s",
                    w.spread(), w.samples(), Double.NaN, Goal.NONE);
            report.add("turbo.workers_" + workers + ".hashes_per_cpu_s", "turbo", name + ": hashes per CPU-second", perCpu, "h/CPU-s");
            report.add("turbo.workers_" + workers + ".cpu_cores", "turbo", name + ": CPU used by the stack", w.cpu() / w.seconds(), "cores");
            if (!Double.isNaN(w.rate())) {
                hashes += w.rate() * w.seconds();
                cpu += w.cpu();
                cpuWithSupervisors += w.cpu() + w.supervisorCpu();
            }
            progress.done(String.format(Locale.ROOT, "turbo %-19s %7.0f hashes/s %s, %.0f hashes per CPU-second (%.2f cores)",
                    name, w.rate(), plusMinus(w.spread()), perCpu, w.cpu() / w.seconds()));
        }
        report.add("turbo.hashes_per_cpu_s", "turbo", "hashes per CPU-second (services + redis)", hashes / cpu,
                "h/CPU-s", Double.NaN, plan.turbo().size(), 500, Goal.TEN_TIMES);
        report.add("turbo.hashes_per_cpu_s_with_log_supervisors", "turbo",
                "hashes per CPU-s, with the log supervisors", hashes / cpuWithSupervisors, "h/CPU-s");

        progress.live("raw: stopping the workers");
        turbo.converge(counts(1, 0), Stack.Mode.UP);
        Duration d = Duration.ofSeconds(plan.rawSeconds());
        progress.live("raw: rng GET /32 for " + d.toSeconds() + " s");
        LoadGenerator.Result rng = LoadGenerator.run(useWrk, URI.create("http://127.0.0.1:" + turbo.publishedPort(Service.RNG) + "/32"),
                null, 32, d, results, spawned);
        raw("rng_get_32", "rng GET /32", rng, 4100);
        progress.live("raw: hasher POST / for " + d.toSeconds() + " s");
        LoadGenerator.Result hasher = LoadGenerator.run(useWrk, URI.create("http://127.0.0.1:" + turbo.publishedPort(Service.HASHER) + "/"),
                new byte[32], 32, d, results, spawned);
        raw("hasher_post", "hasher POST /", hasher, 3500);
        report.about.put("load generator", rng.tool() + ", 32 connections, " + d.toSeconds() + " s per endpoint");
    }

    private void raw(String key, String name, LoadGenerator.Result r, double original) {
        report.add("raw." + key + ".req_per_s", "raw", name + ": requests/s", r.requestsPerSecond(), "req/s",
                Double.NaN, (int) Math.min(Integer.MAX_VALUE, r.requests()), original, Goal.TEN_TIMES);
        report.add("raw." + key + ".p50_ms", "raw", name + ": latency p50", r.p50Ms(), "ms");
        report.add("raw." + key + ".p90_ms", "raw", name + ": latency p90", r.p90Ms(), "ms");
        report.add("raw." + key + ".p99_ms", "raw", name + ": latency p99", r.p99Ms(), "ms");
        report.add("raw." + key + ".errors", "raw", name + ": errors", r.errors(), "");
        progress.done(String.format(Locale.ROOT, "raw   %-19s %7.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors (%s)",
                name, r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.errors(), r.tool()));
    }

    // ---- measuring a step -------------------------------------------------------------------------

    /**
     * hashes/s from the times the counter {@code hashes} changed (each change is a worker's INCRBY):
     * the hashes between the first and the last change over the time between them, so the
     * once-a-second flushes do not round the rate. CPU of the stack's processes over the window.
     */
    record Window(double rate, double spread, int samples, double seconds, double cpu, double supervisorCpu,
                  List<Double> rngMs, List<Double> hasherMs) {
    }

    private Window measure(Stack stack, Probes.Redis redis, String name, int warmMillis, int seconds, boolean probes) {
        long warmEnd = System.nanoTime() + Duration.ofMillis(warmMillis).toNanos();
        while (System.nanoTime() < warmEnd) {
            progress.live(name + ": warming up " + Math.max(0, (warmEnd - System.nanoTime()) / 1_000_000_000L + 1) + " s");
            pause(200);
        }
        List<Replica> replicas = stack.replicas().stream().filter(stack::isRunning).toList();
        List<Long> pids = replicas.stream().map(Replica::pid).toList();
        List<Long> supervisors = pids.stream().map(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(ProcessHandle::pid).orElse(-1L)).filter(pid -> pid > 0).toList();
        Map<Long, Double> cpu0 = cpu(pids);
        Map<Long, Double> sup0 = cpu(supervisors);
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Double> rngMs = Collections.synchronizedList(new ArrayList<>());
        List<Double> hasherMs = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        if (probes) {
            List<Integer> rngPorts = ports(replicas, Service.RNG);
            List<Integer> hasherPorts = ports(replicas, Service.HASHER);
            threads.add(probe(rngPorts, "/", end, rngMs));
            threads.add(probe(hasherPorts, "/", end, hasherMs));
            // A browser on the web UI, as in the lab: /json every second.
            threads.add(probe(ports(replicas, Service.WEBUI), "/json", end, Collections.synchronizedList(new ArrayList<>()), 1000));
        }
        List<long[]> changes = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try {
            while (System.nanoTime() < end) {
                long h = redis.get("hashes");
                long now = System.nanoTime();
                if (h != last) {
                    if (last != Long.MIN_VALUE) changes.add(new long[] {now, h});
                    last = h;
                }
                double r = rate(changes, start, end);
                String latency = probes && !rngMs.isEmpty() ? String.format(Locale.ROOT, ", rng GET / %.0f ms",
                        rngMs.get(rngMs.size() - 1)) : "";
                progress.live(String.format(Locale.ROOT, "%s: %d/%d s, %s hashes/s%s", name, (now - start) / 1_000_000_000L,
                        seconds, Double.isNaN(r) ? "…" : BenchReport.num(r), latency));
                pause(100);
            }
        } catch (IOException e) {
            throw new LaunchException("cannot read the counter from redis: " + e.getMessage());
        } finally {
            for (Thread t : threads) {
                try {
                    if (!t.join(Duration.ofSeconds(10))) t.interrupt();
                } catch (InterruptedException e) {
                    threads.forEach(Thread::interrupt);
                    Thread.currentThread().interrupt();
                }
            }
        }
        double window = (System.nanoTime() - start) / 1e9;
        double cpu = delta(cpu0, cpu(pids));
        double supervisorCpu = delta(sup0, cpu(supervisors));
        // Spread: the rate over each of a few equal parts of the step.
        int parts = Math.max(2, seconds / 5);
        List<Double> partRates = new ArrayList<>();
        long part = (end - start) / parts;
        for (int i = 0; i < parts; i++) {
            double r = rate(changes, start + i * part, start + (i + 1) * part);
            if (!Double.isNaN(r)) partRates.add(r);
        }
        return new Window(rate(changes, start, end), Probes.stdev(partRates), changes.size(), window, cpu, supervisorCpu,
                new ArrayList<>(rngMs), new ArrayList<>(hasherMs));
    }

    private static double rate(List<long[]> changes, long from, long to) {
        long[] first = null;
        long[] last = null;
        for (long[] c : changes) {
            if (c[0] < from || c[0] > to) continue;
            if (first == null) first = c;
            last = c;
        }
        if (first == null || last == first || last[0] == first[0]) return Double.NaN;
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }

    private static List<Integer> ports(List<Replica> replicas, Service s) {
        return replicas.stream().filter(r -> r.service() == s).map(Replica::port).toList();
    }

    private Thread probe(List<Integer> ports, String path, long end, List<Double> into) {
        return probe(ports, path, end, into, 500);
    }

    /** One request at a time on a new connection (like httping), every periodMillis, round-robin over the replicas. */
    private Thread probe(List<Integer> ports, String path, long end, List<Double> into, int periodMillis) {
        return Thread.ofVirtual().start(() -> {
            int i = 0;
            long next = System.nanoTime();
            while (!ports.isEmpty() && System.nanoTime() < end && !aborted.get()) {
                int left = (int) Math.max(1, Math.min(5000, (end - System.nanoTime()) / 1_000_000 + 2000));
                double ms = Probes.timedGet(ports.get(i++ % ports.size()), path, left);
                if (ms >= 0) into.add(ms);
                next += periodMillis * 1_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(Duration.ofNanos(Math.min(wait, Math.max(0, end - System.nanoTime()))));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private static Map<Long, Double> cpu(List<Long> pids) {
        Map<Long, Double> m = new HashMap<>();
        for (long pid : pids) m.put(pid, Probes.cpuSeconds(pid));
        return m;
    }

    /** CPU seconds spent between two snapshots by the processes alive at both. */
    private static double delta(Map<Long, Double> before, Map<Long, Double> after) {
        double sum = 0;
        for (var e : before.entrySet()) {
            double b = e.getValue();
            double a = after.getOrDefault(e.getKey(), -1.0);
            if (a >= 0 && b >= 0 && a >= b) sum += a - b;
        }
        return sum;
    }

    // ---- processes, ports, clean-up ---------------------------------------------------------------

    private void stopProcess(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            spawned.remove(p);
        }
    }

    /** Stops every process the bench started, its stack included, and removes the stack's state (not the results). */
    private synchronized void cleanup() {
        if (cleanedUp) return;
        cleaning.set(true);
        boolean interrupted = Thread.interrupted();
        try {
            for (Process p : List.copyOf(spawned)) stopProcess(p);
            Thread.interrupted();
            Stack s = stack(LAB);
            s.stopInOrder(s.replicas());
            s.removeAll();
            cleanedUp = true;
        } catch (RuntimeException e) {
            progress.done("dockercoins: could not stop everything the bench started (" + e.getMessage()
                    + "); run ./dockercoins -p " + PROJECT + " down");
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void pause(long millis) {
        if (aborted.get()) throw new LaunchException("interrupted");
        Stack.sleep(millis);
    }

    /** Webui on base, rng on base+1, hasher on base+2: the first free trio from 18000 on. */
    private static int freePortBase() {
        for (int base = 18000; base < 19000; base += 10) {
            if (free(base) && free(base + 1) && free(base + 2)) return base;
        }
        throw new LaunchException("no three free ports found from 18000 to 19000; choose some with --port-base");
    }

    private static boolean free(int port) {
        if (Stack.accepts(port)) return false;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String plusMinus(double spread) {
        return Double.isNaN(spread) ? "" : "±" + BenchReport.num(spread) + " ";
    }

    private static double median(List<Double> values) {
        return Probes.quantile(sorted(values), 0.5);
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> l = new ArrayList<>(values);
        l.sort(null);
        return l;
    }

    /** One line that updates in place on a terminal; elsewhere only the finished lines. */
    static final class Progress {
        private final PrintWriter out;
        private final boolean tty;

        Progress(PrintWriter out, boolean tty) {
            this.out = out;
            this.tty = tty;
        }

        synchronized void live(String text) {
            if (!tty) return;
            out.print("\r\u001b[K" + text);
            out.flush();
        }

        synchronized void done(String text) {
            if (tty) out.print("\r\u001b[K");
            out.println(text);
            out.flush();
        }
    }
}
