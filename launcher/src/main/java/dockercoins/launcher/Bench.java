package dockercoins.launcher;

import dockercoins.launcher.bench.BenchPlan;
import dockercoins.launcher.bench.BenchReport;
import dockercoins.launcher.bench.BenchRun;
import dockercoins.launcher.bench.Experiments;
import dockercoins.launcher.bench.JarSnapshot;
import dockercoins.launcher.bench.LoadGenerator;
import dockercoins.launcher.bench.Progress;
import dockercoins.launcher.bench.SoakPlan;
import dockercoins.launcher.bench.SoakReport;
import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.Ports;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Build;
import dockercoins.launcher.stack.JvmOptions;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./dockercoins bench}: the scaling lab as a reproducible experiment. It runs its own
 * stack (project {@value BenchRun#PROJECT}, on free ports, from a {@link JarSnapshot}) so a
 * running stack is left alone, runs the experiments of {@link BenchRun}, prints the table and
 * writes the results, then stops everything it started, also on Ctrl-C.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures DockerCoins on this machine: hashes/s against workers with the lab's delays (and with rng "
                + "scaled), the same without delays (hashes per CPU-second, raw requests/s of rng and hasher), and each "
                + "service's start-up time and memory, beside the original's figures and the targets.",
                "It runs its own stack (project " + BenchRun.PROJECT + ", on free ports), so a running stack is left alone, "
                        + "and stops everything it started, also on Ctrl-C. Results: a table, then results.csv, "
                        + "results.json and hashes-per-second.png in the results folder.",
                "A full run takes about 6 minutes; --quick well under one.",
                "With --soak DURATION it runs a soak instead: 50 workers with the lab's delays for DURATION, sampled every 5 s: "
                        + "hashes/s over time, each replica's RSS slope (MB per minute) and the errors; also soak.csv and soak.png."})
final class Bench implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Option(names = "--quick", description = "A short run (well under a minute): fewer points, short steps. For a smoke test, not for figures.")
    boolean quick;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "An earlier results.csv (or the results folder that holds it): print each figure's ratio to it.")
    Path baseline;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the results here (default: .dockercoins/bench/<UTC time>/ in the project directory).")
    Path out;

    @Option(names = "--step", paramLabel = "SECONDS",
            description = "Seconds measured at each lab step (default: 20, or 3 with --quick); turbo steps take half.")
    Integer stepSeconds;

    @Option(names = "--soak", paramLabel = "DURATION",
            description = "Run a soak instead of the experiments: 50 workers (5 with --quick) with the lab's delays for DURATION "
                    + "(20s, 10m, 1h30m; from 10s to 24h), after a 30 s warm-up, sampled every 5 s (2 s with --quick).")
    String soak;

    @Option(names = "--no-build", description = "Use the service jars as they are, even if their sources changed (a missing jar is an error).")
    boolean noBuild;

    @Option(names = "--load-generator", paramLabel = "TOOL",
            description = "What loads rng and hasher for the raw requests/s: wrk, builtin (the JDK's HttpClient) or auto "
                    + "(wrk when installed; default).")
    String loadGenerator = "auto";

    private final AtomicBoolean cleaning = new AtomicBoolean();
    private boolean cleanedUp;

    @Override
    public Integer call() throws Exception {
        SoakPlan soakPlan = null;
        if (soak != null) {
            try {
                soakPlan = SoakPlan.of(soak, quick);
            } catch (IllegalArgumentException e) {
                throw invocation.usageError(e.getMessage());
            }
        }
        PrintWriter console = invocation.out();
        Stack user = invocation.stackOfADockerCoinsProject();
        Path projectDir = user.projectDir;
        if (stepSeconds != null && (stepSeconds < 1 || stepSeconds > 600)) {
            throw invocation.usageError("--step must be from 1 to 600 seconds, got " + stepSeconds);
        }
        boolean useWrk = useWrk(user.settings.path());
        Map<String, Double> before = baseline == null ? null : BenchReport.readBaseline(baseline);
        Instant started = Instant.now();
        Path results = out != null ? out.toAbsolutePath().normalize() : projectDir.resolve(".dockercoins").resolve("bench")
                .resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started));
        Files.createDirectories(results);
        Integer portBaseOption = invocation.launcher().portBase;
        int portBase = portBaseOption != null ? portBaseOption : new Ports().freeTrio(18000, 19000).orElseThrow(
                () -> new LaunchException("no three free ports found from 18000 to 19000; choose some with --port-base"));
        build(projectDir, console);
        String mode = soakPlan != null ? "soak of " + SoakPlan.format(soakPlan.duration()) + " with " + soakPlan.workers() + " workers"
                : quick ? "quick" : "full, about 6 minutes";
        console.println("Benchmarking DockerCoins (" + mode + ") on ports "
                + portBase + "-" + (portBase + 2) + "; results in " + results);
        console.flush();

        PrintWriter stackLog = new PrintWriter(Files.newBufferedWriter(results.resolve("launcher.log")), true);
        BenchRun run = new BenchRun(JarSnapshot.folder(projectDir), portBase, results, BenchPlan.of(quick, stepSeconds), useWrk,
                user.settings.environment(), new Progress(console, invocation.launcher().terminal().isTerminal()), stackLog);
        Thread main = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.aborted.set(true);
            if (!cleaning.get()) main.interrupt();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // stop what is left below
            }
            cleanup(run);
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        AutoCloseable lock = null;
        try {
            Stack lab = run.stack(BenchRun.LAB);
            lock = lab.lock();
            // Under the lock: another bench may be running from the same copy.
            JarSnapshot.take(projectDir);
            describe(run, started, mode); // the copy's JVM flags
            // A bench killed with -9 leaves its replicas: they are ours to stop.
            lab.supervisor.stopInOrder(lab.replicas());
            for (Replica r : lab.replicas()) lab.state.forget(r);
            String chart = BenchReport.PNG;
            if (soakPlan != null) {
                SoakReport samples = Experiments.soak(run, soakPlan);
                samples.writeCsv(results.resolve(SoakReport.CSV));
                samples.writeChart(results.resolve(SoakReport.PNG), "DockerCoins: " + mode + ", the lab's delays");
                chart = SoakReport.CSV + ", " + SoakReport.PNG;
            } else {
                Experiments.all(run);
                run.report.writeChart(results.resolve(BenchReport.PNG));
            }
            run.report.writeCsv(results.resolve(BenchReport.CSV));
            run.report.writeJson(results.resolve(BenchReport.JSON));
            console.println();
            run.report.printTable(console, before);
            console.println();
            console.println("Wrote " + results.resolve(BenchReport.CSV) + ", " + BenchReport.JSON + ", " + chart);
            console.flush();
            return 0;
        } catch (LaunchException | UncheckedIOException e) {
            if (run.aborted.get()) {
                run.progress.done("Interrupted: stopping what the bench started");
                return 130;
            }
            throw e;
        } finally {
            cleanup(run);
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

    private boolean useWrk(String path) {
        return switch (loadGenerator) {
            case "auto" -> LoadGenerator.wrkInstalled(path);
            case "builtin" -> false;
            case "wrk" -> {
                if (!LoadGenerator.wrkInstalled(path)) throw new LaunchException("--load-generator wrk: no wrk on PATH (apt install wrk)");
                yield true;
            }
            default -> throw invocation.usageError("--load-generator must be wrk, builtin or auto, got \"" + loadGenerator + "\"");
        };
    }

    private void build(Path projectDir, PrintWriter console) {
        if (!noBuild) {
            Build.ensure(projectDir, projectDir.resolve(".dockercoins"), Service.compose(), false, console);
            return;
        }
        for (Service s : Service.compose()) {
            if (s.isJava() && !Files.isRegularFile(Build.jar(projectDir, s))) {
                throw new LaunchException(projectDir.relativize(Build.jar(projectDir, s)) + " is missing: run without --no-build");
            }
        }
    }

    /** The "about" lines of the results: when, where, with what. */
    private void describe(BenchRun run, Instant started, String mode) {
        Map<String, String> about = run.report.about;
        about.put("started", started.toString());
        about.put("mode", quick ? mode + " (a smoke run: do not compare its figures)" : mode);
        about.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, load average " + ProcessView.loadAverage() + " at start");
        about.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        about.put("jvm flags", String.join(" ", JvmOptions.flags(run.projectDir, Service.RNG))
                + (Runtime.version().feature() >= 25 ? " + an AOT cache per service" : " + a CDS archive per service")
                + " (each service's jvm.flags)");
        about.put("ports", "webui " + run.portBase + ", rng " + (run.portBase + 1) + ", hasher " + (run.portBase + 2));
        about.put("results", run.results.toString());
    }

    /** Stops every process the bench started, once, whether it ended, failed or was interrupted. */
    private synchronized void cleanup(BenchRun run) {
        if (cleanedUp) return;
        cleaning.set(true);
        boolean interrupted = Thread.interrupted();
        try {
            run.stopEverything();
            cleanedUp = true;
        } catch (RuntimeException e) {
            run.progress.done("dockercoins: could not stop everything the bench started (" + e.getMessage()
                    + "); run ./dockercoins -p " + BenchRun.PROJECT + " down");
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
