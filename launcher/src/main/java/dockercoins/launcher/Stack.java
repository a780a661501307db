package dockercoins.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The stack of one project: its replicas as local processes, their state under
 * {@code .dockercoins/<project>/} (so any shell can run ps, logs or down), and the
 * converge logic that {@code up}, {@code scale}, {@code start} and {@code stop} share.
 */
final class Stack {
    /**
     * JVM flags of every Java replica, tuned for many small JVMs on a small machine (labs run
     * 10 workers): see docs/rng-hasher.md for the measurements. -Xms4m lets the heap start small
     * instead of at its maximum (8 MB less RSS each). A class-data cache is added per service by
     * {@link #cacheFlags}.
     */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx32m", "-Xss256k", "-XX:TieredStopAtLevel=1");

    /**
     * JDK 25+: an AOT cache (start-up ~25 % less CPU, ~8 MB less RSS per replica), trained by
     * replica 1 on its first run and written when it stops, then used by every replica while
     * newer than the jar. Older JDKs: a dynamic CDS archive, written at the first exit, half the
     * gain. The caches' own log lines (and a stale cache, which the JVM ignores) stay silent.
     */
    List<String> cacheFlags(Service s, int index, Path jar) {
        Path cds = home.resolve("cds");
        if (Runtime.version().feature() >= 25) {
            Path aot = cds.resolve(s.id() + ".aot");
            List<String> quiet = List.of("-Xlog:aot=off", "-Xlog:cds=off");
            try {
                if (Files.isRegularFile(aot) && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                    return concat(quiet, "-XX:AOTCache=" + aot);
                }
            } catch (IOException e) {
                // no usable cache: train one below
            }
            return index == 1 ? concat(quiet, "-XX:AOTCacheOutput=" + aot) : quiet;
        }
        return List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + cds.resolve(s.id() + ".jsa"));
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    /** The services' own variables, passed from the environment or from .env, as Compose does. */
    static final List<String> KNOBS = List.of(
            "RNG_DELAY", "RNG_CONCURRENCY", "HASHER_DELAY", "WORKER_DELAY", "FILES_DIR", "DEBUG", "REDIS_URL",
            "BIND_ADDRESS");

    static final int DEFAULT_PORT_BASE = 8000;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    enum Mode {
        /** up / scale: start what is missing or stopped, recreate what changed, remove extra replicas. */
        UP,
        /** Recreate running replicas whose configuration changed (workers after rng/hasher scaled); start nothing new. */
        REFRESH,
        /** start / restart: start stopped replicas as they are. */
        START
    }

    final Path projectDir;
    final String project;
    final Path home;
    final Path dir;
    final Path stateDir;
    final Path logsDir;
    private final Map<String, String> env;
    private final Integer portBaseOption;
    final PrintWriter out;
    private final Set<Integer> portsHandedOut = new HashSet<>();
    private boolean recreateForRebuiltJars = true;
    private boolean withPrometheus;

    Stack(Path projectDir, String project, Integer portBaseOption, Map<String, String> env, PrintWriter out) {
        this.projectDir = projectDir;
        this.project = project;
        this.home = projectDir.resolve(".dockercoins");
        this.dir = home.resolve(project);
        this.stateDir = dir.resolve("state");
        this.logsDir = dir.resolve("logs");
        this.env = env;
        this.portBaseOption = portBaseOption;
        this.out = out;
    }

    // ---- settings -------------------------------------------------------------------------

    String bindAddress() {
        return env.getOrDefault("BIND_ADDRESS", "127.0.0.1");
    }

    /** A REDIS_URL given by the user wins: no redis is started then. */
    boolean externalRedis() {
        return env.containsKey("REDIS_URL") && !env.get("REDIS_URL").isBlank();
    }

    /** up --with prometheus, or an earlier up of this stack did (remembered until down). */
    boolean prometheus() {
        return withPrometheus || "true".equals(stackProperties().getProperty("prometheus"));
    }

    /** Checks the binary first: a missing one is one clear line, before anything starts. */
    void withPrometheus() {
        Prometheus.binary(env.get("PATH"));
        withPrometheus = true;
    }

    int portBase() {
        Integer base = portBaseOption;
        if (base == null && env.containsKey("DOCKERCOINS_PORT_BASE")) {
            base = parsePortBase(env.get("DOCKERCOINS_PORT_BASE"), "DOCKERCOINS_PORT_BASE");
        }
        if (base == null) {
            String recorded = stackProperties().getProperty("portBase");
            base = recorded != null ? Integer.parseInt(recorded) : DEFAULT_PORT_BASE;
        }
        return base;
    }

    static int parsePortBase(String text, String what) {
        try {
            int base = Integer.parseInt(text.strip());
            if (base >= 1 && base <= 65533) return base;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LaunchException(what + " must be a port number from 1 to 65533, got \"" + text + "\"");
    }

    int publishedPort(Service s) {
        return portBase() + s.portOffset;
    }

    private Properties stackProperties() {
        Properties p = new Properties();
        Path file = dir.resolve("stack.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                // unreadable state is not trusted: defaults apply
            }
        }
        return p;
    }

    private void saveStackProperties(Properties p) {
        try {
            Files.createDirectories(dir);
            try (var w = Files.newBufferedWriter(dir.resolve("stack.properties"))) {
                p.store(w, "dockercoins launcher: ports of this stack");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Redis keeps one port for the life of the stack: workers and webui have it in REDIS_URL. */
    private int redisPort() {
        Properties p = stackProperties();
        String recorded = p.getProperty("redisPort");
        boolean redisRunning = replicas(Service.REDIS).stream().anyMatch(this::isRunning);
        if (recorded != null && (redisRunning || portFree(Integer.parseInt(recorded)))) {
            return Integer.parseInt(recorded);
        }
        int port = freePort();
        p.setProperty("redisPort", Integer.toString(port));
        saveStackProperties(p);
        return port;
    }

    String redisUrl() {
        return externalRedis() ? env.get("REDIS_URL") : "redis://127.0.0.1:" + redisPort();
    }

    // ---- state ----------------------------------------------------------------------------

    List<Replica> replicas() {
        if (!Files.isDirectory(stateDir)) return List.of();
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties"))
                    .map(Replica::load)
                    .filter(Objects::nonNull)
                    .sorted(Comparator.comparing(Replica::service).thenComparingInt(Replica::index))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Replica> replicas(Service s) {
        return replicas().stream().filter(r -> r.service() == s).toList();
    }

    /** The replica's process, only if the pid is alive AND was started when we recorded. */
    Optional<ProcessHandle> process(Replica r) {
        return ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive).filter(h -> {
            if (r.startMillis() == 0) return false;
            return h.info().startInstant()
                    .map(started -> Math.abs(started.toEpochMilli() - r.startMillis()) < 1000)
                    .orElse(false);
        });
    }

    boolean isRunning(Replica r) {
        return process(r).isPresent();
    }

    /** The exit code the supervisor recorded, or empty when there is none (killed with it, or a reboot). */
    Optional<String> exitCode(Replica r) {
        try {
            return Optional.of(Files.readString(file(r.service(), r.index(), ".exit")).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Path logFile(Service s, int index) {
        return logsDir.resolve(s.id() + "-" + index + ".log");
    }

    private Path file(Service s, int index, String suffix) {
        return stateDir.resolve(s.id() + "-" + index + suffix);
    }

    /** Serialises commands that change the stack, across shells. */
    AutoCloseable lock() {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            boolean told = false;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return () -> {
                        lock.release();
                        channel.close();
                    };
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new LaunchException("another ./dockercoins command holds " + dir.resolve("lock"));
                }
                if (!told) {
                    out.println("Waiting for another ./dockercoins command to finish...");
                    out.flush();
                    told = true;
                }
                sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- converge -------------------------------------------------------------------------

    /**
     * Brings each service of {@code wanted} to its replica count, in start order, and refreshes
     * workers whose rng/hasher/redis addresses changed. On failure, stops what it started.
     */
    void converge(Map<Service, Integer> wanted, Mode mode) {
        Map<Service, Integer> todo = new EnumMap<>(wanted);
        if (externalRedis()) todo.remove(Service.REDIS);
        preflight(todo);
        // later commands from any shell (scale, start) keep these ports unless told otherwise
        Properties p = stackProperties();
        p.setProperty("portBase", Integer.toString(portBase()));
        if (prometheus()) p.setProperty("prometheus", "true");
        saveStackProperties(p);
        List<Replica> started = new ArrayList<>();
        try {
            for (Service s : List.of(Service.REDIS, Service.RNG, Service.HASHER, Service.WEBUI)) {
                if (todo.containsKey(s)) convergeService(s, todo.get(s), mode, started);
                if (s == Service.REDIS) awaitReady(started);
            }
            awaitReady(started);
            if (todo.containsKey(Service.WORKER)) {
                convergeService(Service.WORKER, todo.get(Service.WORKER), mode, started);
            } else if (mode == Mode.UP && !replicas(Service.WORKER).isEmpty()) {
                convergeService(Service.WORKER, replicas(Service.WORKER).size(), Mode.REFRESH, started);
            }
            awaitReady(started);
            if (prometheus()) Prometheus.write(this);
            if (todo.containsKey(Service.PROMETHEUS)) convergeService(Service.PROMETHEUS, todo.get(Service.PROMETHEUS), mode, started);
            awaitReady(started);
        } catch (RuntimeException e) {
            List<Replica> running = started.stream().filter(this::isRunning).toList();
            stopQuietly(running);
            for (Replica r : started) deleteState(r);
            throw e;
        }
        out.flush();
    }

    /** Published ports of replicas about to start must be free: checked before anything starts. */
    void preflight(Map<Service, Integer> todo) {
        for (var e : todo.entrySet()) {
            Service s = e.getKey();
            if (s == Service.REDIS || !s.published() || e.getValue() < 1) continue;
            int port = publishedPort(s);
            if (port > 65535) {
                throw new LaunchException("port base " + portBase() + " puts " + s.id() + " on port " + port
                        + ", past 65535; choose a lower --port-base or DOCKERCOINS_PORT_BASE");
            }
            boolean ours = replicas(s).stream().anyMatch(r -> r.index() == 1 && r.port() == port && isRunning(r));
            if (!ours && !portFree(port)) {
                throw new LaunchException("port " + port + " (" + s.id() + ") is already in use on "
                        + bindAddress() + "; stop what uses it, or choose other ports with --port-base or DOCKERCOINS_PORT_BASE");
            }
        }
    }

    private void convergeService(Service s, int count, Mode mode, List<Replica> started) {
        List<Replica> existing = replicas(s);
        Map<Integer, Replica> byIndex = existing.stream().collect(Collectors.toMap(Replica::index, r -> r));
        List<Replica> toRemove = mode == Mode.UP
                ? existing.stream().filter(r -> r.index() > count).sorted(Comparator.comparingInt(Replica::index).reversed()).toList()
                : List.of();
        List<Replica> toStop = new ArrayList<>(toRemove);
        Map<Integer, Spec> toStart = new TreeMap<>();
        List<Integer> recreated = new ArrayList<>();
        List<Integer> indexes = mode == Mode.START
                ? existing.stream().map(Replica::index).filter(i -> i <= count).toList()
                : java.util.stream.IntStream.rangeClosed(1, count).boxed().toList();
        for (int i : indexes) {
            Replica r = byIndex.get(i);
            boolean running = r != null && isRunning(r);
            Spec spec = spec(s, i, port(s, i, r, running));
            if (running) {
                if (mode != Mode.START && changed(r, spec)) {
                    toStop.add(r);
                    toStart.put(i, spec);
                    recreated.add(i);
                } else {
                    status(r, "Running");
                }
            } else if (mode != Mode.REFRESH) {
                toStart.put(i, spec);
            }
        }
        if (!recreated.isEmpty() && s == Service.WORKER) {
            out.println(" Note: " + recreated.size() + " worker(s) restart gracefully to pick up the change (each flushes "
                    + "its pending count first): workers learn the rng and hasher addresses when they start");
        }
        stop(toStop);
        for (Replica r : toRemove) {
            deleteState(r);
            deleteQuietly(logFile(r.service(), r.index()));
            status(r, "Removed");
        }
        for (var e : toStart.entrySet()) {
            Replica previous = byIndex.get(e.getKey());
            boolean fresh = previous == null || changed(previous, e.getValue());
            Replica r = start(s, e.getKey(), e.getValue(), fresh);
            started.add(r);
            status(r, recreated.contains(e.getKey()) ? "Recreated" : "Started");
        }
    }

    private int port(Service s, int index, Replica existing, boolean running) {
        // DEMO: workers have no port ("you cannot connect to the worker pods"), unless prometheus scrapes them
        if (s == Service.WORKER && !prometheus()) return 0;
        if (s == Service.REDIS) return redisPort();
        if (index == 1 && s.published()) return publishedPort(s);
        if (existing != null && existing.port() > 0 && (running || portFree(existing.port()))) return existing.port();
        return freePort();
    }

    /** What a replica runs with; its fingerprint decides whether a running replica must be recreated. */
    record Spec(List<String> command, Map<String, String> env, int port, String fingerprint, Path jar) {
        boolean jarMissing() {
            return jar != null && !Files.isRegularFile(jar);
        }
    }

    Spec spec(Service s, int index, int port) {
        if (s == Service.REDIS) {
            List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", bindAddress(),
                    "--save", "", "--appendonly", "no", "--dir", dir.toString());
            return new Spec(command, Map.of(), port, fingerprint(command, Map.of(), ""), null);
        }
        if (s == Service.PROMETHEUS) {
            List<String> command = Prometheus.command(this, port);
            return new Spec(command, Map.of(), port, fingerprint(command, Map.of(), ""), null);
        }
        Path jar = projectDir.resolve(s.id()).resolve("target").resolve(s.id() + ".jar");
        // the cache flags change from training to using: they are not part of the fingerprint
        List<String> fingerprinted = new ArrayList<>();
        fingerprinted.add(javaCommand());
        fingerprinted.addAll(JVM_FLAGS);
        fingerprinted.add("-jar");
        fingerprinted.add(jar.toString());
        List<String> command = new ArrayList<>(fingerprinted);
        command.addAll(1 + JVM_FLAGS.size(), cacheFlags(s, index, jar));
        Map<String, String> vars = new TreeMap<>();
        for (String knob : KNOBS) {
            if (env.containsKey(knob)) vars.put(knob, env.get(knob));
        }
        switch (s) {
            case RNG, HASHER, WEBUI -> {
                vars.put("PORT", Integer.toString(port));
                vars.put("BIND_ADDRESS", bindAddress());
            }
            case WORKER -> vars.put("BIND_ADDRESS", bindAddress()); // for its METRICS_PORT, if any
            default -> vars.remove("BIND_ADDRESS");
        }
        if (s == Service.WEBUI) {
            vars.putIfAbsent("FILES_DIR", projectDir.resolve("webui").resolve("files").toString());
            vars.put("REDIS_URL", redisUrl());
        } else if (s == Service.WORKER) {
            vars.put("RNG_URL", urls(Service.RNG));
            vars.put("HASHER_URL", urls(Service.HASHER));
            vars.put("REDIS_URL", redisUrl());
            if (port > 0) vars.put("METRICS_PORT", Integer.toString(port));
        } else {
            vars.remove("REDIS_URL");
            vars.remove("FILES_DIR");
        }
        String jarStamp = "";
        try {
            jarStamp = Files.getLastModifiedTime(jar) + "/" + Files.size(jar);
        } catch (IOException e) {
            // a missing jar is reported when the replica fails to start
        }
        return new Spec(command, vars, port, fingerprint(fingerprinted, vars, jarStamp), jar);
    }

    /** Workers call every running replica (the local stand-in for a Service or a VIP): a comma list. */
    private String urls(Service s) {
        List<String> urls = replicas(s).stream().filter(this::isRunning)
                .map(r -> "http://127.0.0.1:" + r.port()).toList();
        return urls.isEmpty() ? "http://127.0.0.1:" + publishedPort(s) : String.join(",", urls);
    }

    /** {@code <hash of command and env>-<hash of the jar's time and size>}: the two parts compare separately. */
    private static String fingerprint(List<String> command, Map<String, String> vars, String jarStamp) {
        return hash(String.join("\0", command) + "\n" + new TreeMap<>(vars)) + "-" + hash(jarStamp);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a running replica must be recreated: its command or environment changed, or its jar
     * was rebuilt (unless --no-build said to use the jars as they are; a jar being rebuilt right
     * now, hence missing, is no reason to stop a replica that runs fine either).
     */
    private boolean changed(Replica r, Spec spec) {
        String[] was = r.fingerprint().split("-", 2);
        String[] now = spec.fingerprint().split("-", 2);
        if (was.length < 2 || !was[0].equals(now[0])) return true;
        return recreateForRebuiltJars && !spec.jarMissing() && !was[1].equals(now[1]);
    }

    /** up --no-build: keep replicas whose jar was rebuilt by someone else meanwhile. */
    void keepReplicasOfRebuiltJars() {
        recreateForRebuiltJars = false;
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---- processes ------------------------------------------------------------------------

    Replica start(Service s, int index, Spec spec, boolean freshLog) {
        if (spec.jarMissing()) {
            throw new LaunchException(projectDir.relativize(spec.jar()) + " is missing: build it with ./dockercoins up --build");
        }
        try {
            Files.createDirectories(stateDir);
            Files.createDirectories(logsDir);
            Files.createDirectories(home.resolve("cds"));
            Path log = logFile(s, index);
            if (freshLog) Files.deleteIfExists(log);
            Path pidFile = file(s, index, ".pid");
            Path exitFile = file(s, index, ".exit");
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(exitFile);
            List<String> command = new ArrayList<>(List.of("perl", supervisor().toString(),
                    log.toString(), pidFile.toString(), exitFile.toString()));
            command.addAll(spec.command());
            if (s == Service.REDIS) command.set(5, RedisBinary.find(home, projectDir).toString());
            if (s == Service.PROMETHEUS) command.set(5, Prometheus.binary(env.get("PATH")).toString());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(projectDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            pb.environment().remove("METRICS_PORT"); // the worker's, from the spec only: ten workers cannot share one
            pb.environment().putAll(spec.env());
            Process wrapper;
            try {
                wrapper = pb.start();
            } catch (IOException e) {
                throw new LaunchException("cannot start " + s.id() + "-" + index + " (perl runs each replica detached; is perl installed?): " + e.getMessage());
            }
            long pid = awaitPid(pidFile, wrapper, s.id() + "-" + index);
            long startMillis = ProcessHandle.of(pid)
                    .flatMap(h -> h.info().startInstant()).map(java.time.Instant::toEpochMilli).orElse(0L);
            Replica r = new Replica(s, index, pid, startMillis, spec.port(), spec.fingerprint(), System.currentTimeMillis());
            r.save(file(s, index, ".properties"));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long awaitPid(Path pidFile, Process wrapper, String name) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) return Long.parseLong(Files.readString(pidFile).strip());
            if (!wrapper.isAlive() && !Files.exists(pidFile)) {
                throw new LaunchException("cannot start " + name + ": its supervisor exited with code " + wrapper.exitValue());
            }
            sleep(10);
        }
        throw new LaunchException("cannot start " + name + ": no pid after 10 s");
    }

    private Path supervisor() throws IOException {
        Path script = home.resolve("bin").resolve("supervise.pl");
        byte[] wanted;
        try (InputStream in = Stack.class.getResourceAsStream("supervise.pl")) {
            wanted = Objects.requireNonNull(in, "supervise.pl resource").readAllBytes();
        }
        if (!Files.exists(script) || !java.util.Arrays.equals(Files.readAllBytes(script), wanted)) {
            Files.createDirectories(script.getParent());
            Path tmp = script.resolveSibling("supervise.pl." + ProcessHandle.current().pid());
            Files.write(tmp, wanted);
            Files.move(tmp, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /** Listening replicas must accept connections before workers start (else they wait 10 s). */
    private void awaitReady(List<Replica> started) {
        for (Replica r : started) {
            if (!r.service().listens()) continue;
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (!accepts(r.port())) {
                if (!isRunning(r)) {
                    sleep(200); // let the supervisor record the exit code and the last words
                    throw new LaunchException(r.shortName() + " exited with code " + exitCode(r).orElse("unknown")
                            + " while starting: " + lastLine(logFile(r.service(), r.index())));
                }
                if (System.nanoTime() > deadline) {
                    throw new LaunchException(r.shortName() + " did not open port " + r.port() + " within "
                            + READY_TIMEOUT.toSeconds() + " s; see " + projectDir.relativize(logFile(r.service(), r.index())));
                }
                sleep(25);
            }
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String text = LogLine.parse(lines.get(i)).text().strip();
                if (!text.isEmpty()) return text;
            }
        } catch (IOException e) {
            // fall through
        }
        return "(no output)";
    }

    /** SIGTERM to every replica at once, then wait for each (SIGKILL after 10 s). */
    void stop(List<Replica> replicas) {
        Map<Replica, ProcessHandle> alive = new LinkedHashMap<>();
        for (Replica r : replicas) {
            process(r).ifPresent(h -> {
                h.destroy();
                alive.put(r, h);
            });
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (var e : alive.entrySet()) {
            ProcessHandle h = e.getValue();
            while (h.isAlive() && System.nanoTime() < deadline) sleep(20);
            if (h.isAlive()) {
                h.destroyForcibly();
                out.println(" " + e.getKey().name(project) + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s: killed");
            }
        }
        for (var e : alive.entrySet()) {
            Replica r = e.getKey();
            long exitDeadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (exitCode(r).isEmpty() && System.nanoTime() < exitDeadline) sleep(20);
            status(r, "Stopped");
        }
        out.flush();
    }

    private void stopQuietly(List<Replica> replicas) {
        try {
            stop(replicas);
        } catch (RuntimeException e) {
            // already failing: the first error is the one to report
        }
    }

    /** Stops services in reverse start order: workers first, so they flush their count to Redis. */
    void stopInOrder(List<Replica> replicas) {
        for (Service s : List.of(Service.PROMETHEUS, Service.WORKER, Service.WEBUI, Service.HASHER, Service.RNG, Service.REDIS)) {
            stop(replicas.stream().filter(r -> r.service() == s).toList());
        }
    }

    void deleteState(Replica r) {
        for (String suffix : List.of(".properties", ".pid", ".exit")) {
            deleteQuietly(file(r.service(), r.index(), suffix));
        }
    }

    /** Removes this project's state and logs; keeps the caches (.dockercoins/bin, .dockercoins/cds). */
    void removeAll() {
        for (Replica r : replicas()) status(r, "Removed");
        deleteTree(dir);
        out.flush();
    }

    private void status(Replica r, String what) {
        out.printf(" Container %-" + 24 + "s %s%n", r.name(project), what);
    }

    // ---- ports ----------------------------------------------------------------------------

    /** Nothing answers on it, and we can bind it (Linux refuses a port someone listens on). */
    boolean portFree(int port) {
        if (accepts(port)) return false;
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress()), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (portsHandedOut.add(port)) return port;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new LaunchException("no free port found on 127.0.0.1");
    }

    // ---- small helpers --------------------------------------------------------------------

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(Stack::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
