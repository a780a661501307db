package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.Pause;
import dockercoins.launcher.os.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where {@code up}, {@code scale} and {@code start} converge: each service is brought to its
 * replica count in start order, once the services it depends on accept connections; what is
 * missing starts, what changed is recreated, what is extra is removed, the rest is left alone
 * ({@code Running}). On failure, what this converge started is stopped again.
 */
public final class Converge {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Stack stack;
    private boolean recreateForRebuiltJars = true;

    public Converge(Stack stack) {
        this.stack = stack;
    }

    /** up --no-build: keep replicas whose jar was rebuilt by someone else meanwhile. */
    public void keepReplicasOfRebuiltJars() {
        recreateForRebuiltJars = false;
    }

    public void run(Map<Service, Integer> wanted, ConvergeMode mode) {
        Map<Service, Integer> todo = new EnumMap<>(wanted);
        if (stack.settings.externalRedis()) todo.remove(Service.REDIS);
        preflight(todo);
        // later commands from any shell (scale, start) keep these ports unless told otherwise
        Properties p = stack.state.settings();
        p.setProperty("portBase", Integer.toString(stack.settings.portBase()));
        p.setProperty("publishAddress", stack.settings.publishAddress());
        if (stack.prometheus()) p.setProperty("prometheus", "true");
        if (mode != ConvergeMode.START) stack.settings.recordKnobs(p);
        stack.state.saveSettings(p);
        // start brings replicas back as they were created; up and scale as the environment says now
        Map<String, String> knobs = mode == ConvergeMode.START ? stack.settings.knobsOfLastUp() : stack.settings.knobs();
        List<Replica> started = new ArrayList<>();
        try {
            if (stack.prometheus()) Prometheus.write(stack.state); // its config must exist before it starts
            for (Service s : Service.values()) {
                awaitReady(started.stream().filter(r -> s.dependsOn.contains(r.service())).toList());
                if (todo.containsKey(s)) {
                    service(s, todo.get(s), mode, knobs, started);
                } else if (mode == ConvergeMode.UP && !s.scalableDependencies().isEmpty() && !stack.replicas(s).isEmpty()) {
                    // workers learn the addresses of the rng and hasher replicas when they start
                    service(s, stack.replicas(s).size(), ConvergeMode.REFRESH, knobs, started);
                }
            }
            awaitReady(started);
            if (stack.prometheus()) Prometheus.write(stack.state); // the targets, now that every replica has its port
        } catch (RuntimeException e) {
            stack.supervisor.stopQuietly(started.stream().filter(Replica::isRunning).toList());
            for (Replica r : started) stack.state.forget(r);
            throw e;
        }
        stack.out.flush();
    }

    /** Published ports of replicas about to start must be free: checked before anything starts. */
    public void preflight(Map<Service, Integer> todo) {
        for (var e : todo.entrySet()) {
            Service s = e.getKey();
            if (!s.port.published() || e.getValue() < 1) continue;
            int port = stack.publishedPort(s);
            if (port > 65535) {
                throw new LaunchException("port base " + stack.settings.portBase() + " puts " + s.id() + " on port " + port
                        + ", past 65535; choose a lower --port-base or DOCKERCOINS_PORT_BASE");
            }
            boolean ours = stack.replicas(s).stream().anyMatch(r -> r.index() == 1 && r.port() == port && r.isRunning());
            if (!ours && !stack.ports.free(port)) {
                throw new LaunchException("port " + port + " (" + s.id() + ") is already in use on "
                        + stack.settings.publishAddress() + "; stop what uses it, or choose other ports with --port-base or DOCKERCOINS_PORT_BASE");
            }
        }
    }

    private void service(Service s, int count, ConvergeMode mode, Map<String, String> knobs, List<Replica> started) {
        ReplicaChanges changes = ReplicaChanges.decide(mode, count, stack.replicas(s), Replica::isRunning,
                (i, recorded, running) -> ReplicaSpecs.of(stack, s, i, port(s, i, recorded, running), knobs,
                        // replica 1 starts first: it writes the class-data cache the others then use
                        i == 1 ? JvmOptions.Cache.TRAIN_IF_MISSING : JvmOptions.Cache.USE_IF_PRESENT),
                recreateForRebuiltJars);
        for (Replica r : changes.leftRunning()) stack.status.print(r, "Running");
        if (!changes.recreated().isEmpty() && !s.scalableDependencies().isEmpty()) {
            String peers = s.scalableDependencies().stream().map(Service::id).collect(Collectors.joining(" and "));
            stack.out.println(" Note: " + changes.recreated().size() + " " + s + "(s) restart gracefully to pick up the change (each "
                    + "flushes its pending count first): " + s + "s learn the " + peers + " addresses when they start");
        }
        stack.supervisor.stop(changes.stopped());
        for (Replica r : changes.removed()) {
            stack.state.forget(r);
            stack.state.deleteLog(r);
            stack.status.print(r, "Removed");
        }
        for (var e : changes.started().entrySet()) {
            int index = e.getKey();
            Replica r = stack.supervisor.start(e.getValue(), index, changes.freshLogs().contains(index));
            started.add(r);
            stack.status.print(r, changes.recreated().contains(index) ? "Recreated" : "Started");
        }
    }

    private int port(Service s, int index, Replica existing, boolean running) {
        // DEMO: workers have no port ("you cannot connect to the worker pods"), unless prometheus scrapes them
        if (!s.listens() && !stack.prometheus()) return 0;
        if (s.port.equals(Service.Port.PRIVATE)) return stack.reservePrivatePort(s);
        if (index == 1 && s.port.published()) return stack.publishedPort(s);
        if (existing != null && existing.port() > 0 && (running || stack.ports.free(existing.port()))) return existing.port();
        return stack.ports.any();
    }

    /** Listening replicas must accept connections before those that depend on them start (else workers wait 10 s). */
    private void awaitReady(List<Replica> started) {
        for (Replica r : started) {
            if (!r.service().listens()) continue;
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (!Ports.accepts(r.port())) {
                if (!r.isRunning()) {
                    Pause.millis(200); // let the supervisor record the exit code and the last words
                    throw new LaunchException(r.shortName() + " exited with code " + stack.state.exitCode(r).orElse("unknown")
                            + " while starting: " + lastLine(stack.state.logFile(r)));
                }
                if (System.nanoTime() > deadline) {
                    throw new LaunchException(r.shortName() + " did not open port " + r.port() + " within "
                            + READY_TIMEOUT.toSeconds() + " s; see " + stack.projectDir.relativize(stack.state.logFile(r)));
                }
                Pause.millis(25);
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
}
