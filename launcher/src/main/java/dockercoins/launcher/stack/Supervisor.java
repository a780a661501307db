package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.AtomicFile;
import dockercoins.launcher.os.Pause;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The supervised processes: each replica runs under {@code supervise.pl} (a new session, its
 * output timestamped into its log, its exit code recorded), so it outlives the launcher and a
 * closed terminal; stopping sends SIGTERM to the replica itself, SIGKILL after 10 s.
 */
public final class Supervisor {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path projectDir;
    private final Path home;
    private final Path cacheDir;
    private final StateDir state;
    private final ContainerStatus status;

    Supervisor(Path projectDir, Path home, Path cacheDir, StateDir state, ContainerStatus status) {
        this.projectDir = projectDir;
        this.home = home;
        this.cacheDir = cacheDir;
        this.state = state;
        this.status = status;
    }

    /** Starts one replica detached and records it; {@code freshLog} starts its log anew (a new or recreated replica). */
    Replica start(ReplicaSpec spec, int index, boolean freshLog) {
        Service s = spec.service();
        if (spec.jarMissing()) {
            throw new LaunchException(projectDir.relativize(spec.jar()) + " is missing: build it with ./dockercoins up --build");
        }
        try {
            Files.createDirectories(state.records);
            Files.createDirectories(state.logs);
            Files.createDirectories(cacheDir);
            Path log = state.logFile(s, index);
            if (freshLog) Files.deleteIfExists(log);
            Path pidFile = state.pidFile(s, index);
            Path exitFile = state.exitFile(s, index);
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(exitFile);
            List<String> command = new ArrayList<>(List.of("perl", script(home).toString(),
                    log.toString(), pidFile.toString(), exitFile.toString()));
            command.addAll(spec.command());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(projectDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
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
            long startMillis = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
            Replica r = new Replica(s, index, pid, startMillis, spec.port(), spec.fingerprint(), System.currentTimeMillis());
            state.save(r);
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
            Pause.millis(10);
        }
        throw new LaunchException("cannot start " + name + ": no pid after 10 s");
    }

    /** {@code .dockercoins/bin/supervise.pl}, written from the launcher's copy when missing or different. */
    static Path script(Path home) throws IOException {
        Path script = home.resolve("bin").resolve("supervise.pl");
        byte[] wanted;
        try (InputStream in = Supervisor.class.getResourceAsStream("supervise.pl")) {
            wanted = Objects.requireNonNull(in, "supervise.pl resource").readAllBytes();
        }
        if (!Files.exists(script) || !Arrays.equals(Files.readAllBytes(script), wanted)) {
            AtomicFile.write(script, aside -> Files.write(aside, wanted));
        }
        return script;
    }

    /** SIGTERM to every replica at once, then wait for each (SIGKILL after 10 s). */
    void stop(List<Replica> replicas) {
        Map<Replica, ProcessHandle> alive = new LinkedHashMap<>();
        for (Replica r : replicas) {
            r.process().ifPresent(h -> {
                h.destroy();
                alive.put(r, h);
            });
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (var e : alive.entrySet()) {
            ProcessHandle h = e.getValue();
            while (h.isAlive() && System.nanoTime() < deadline) Pause.millis(20);
            if (h.isAlive()) {
                h.destroyForcibly();
                status.note(e.getKey(), "did not stop within " + STOP_TIMEOUT.toSeconds() + " s: killed");
            }
        }
        for (Replica r : alive.keySet()) {
            long exitDeadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (state.exitCode(r).isEmpty() && System.nanoTime() < exitDeadline) Pause.millis(20);
            status.print(r, "Stopped");
        }
        status.out.flush();
    }

    /** Stop, when already failing: the first error is the one to report. */
    void stopQuietly(List<Replica> replicas) {
        try {
            stop(replicas);
        } catch (RuntimeException e) {
            // already failing
        }
    }

    /** Stops services in reverse start order: workers first, so they flush their count to Redis. */
    public void stopInOrder(List<Replica> replicas) {
        for (Service s : Service.stopOrder()) {
            stop(replicas.stream().filter(r -> r.service() == s).toList());
        }
    }
}
