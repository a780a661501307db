package dockercoins.launcher.stack;

import dockercoins.launcher.os.Ports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One project's stack: where it lives (the project directory and its {@code .dockercoins/}),
 * its {@link StackSettings}, its replicas as its {@link StateDir} records them, the ports it
 * hands out, the addresses its replicas are given, and the {@link Supervisor} that runs them.
 */
public final class Stack {
    /** Where everything but the published ports listens: redis, extra replicas, the workers' metrics. */
    public static final String LOOPBACK = "127.0.0.1";

    public final Path projectDir;
    public final String project;
    /** {@code .dockercoins/}: every stack of the project, and the caches they share. */
    public final Path home;
    public final StateDir state;
    public final StackSettings settings;
    public final Supervisor supervisor;
    public final Ports ports;
    public final PrintWriter out;
    final ContainerStatus status;
    private boolean withPrometheus;

    public Stack(Path projectDir, String project, Integer portBaseOption, String publishAddressOption, Map<String, String> env,
                 PrintWriter out) {
        this.projectDir = projectDir;
        this.project = project;
        this.home = projectDir.resolve(".dockercoins");
        this.state = new StateDir(home, project);
        this.settings = new StackSettings(portBaseOption, publishAddressOption, env, state::settings);
        this.out = out;
        this.status = new ContainerStatus(out, project);
        this.supervisor = new Supervisor(projectDir, home, cacheDir(), state, status);
        this.ports = new Ports();
    }

    /** Replica 1 of a published service listens on the publish address; every other replica on loopback only. */
    public String listenAddress(Service s, int index) {
        return s.port.published() && index == 1 ? settings.publishAddress() : LOOPBACK;
    }

    /** The class-data caches of the Java services, shared by every stack of the project. */
    Path cacheDir() {
        return home.resolve("cds");
    }

    /** up --with prometheus, or an earlier up of this stack did (remembered until down). */
    public boolean prometheus() {
        return withPrometheus || "true".equals(state.settings().getProperty("prometheus"));
    }

    /** Checks the binary first: a missing one is one clear line, before anything starts. */
    public void withPrometheus() {
        Prometheus.binary(settings.path());
        withPrometheus = true;
    }

    public int publishedPort(Service s) {
        return settings.portBase() + s.port.offset();
    }

    /**
     * Hands out the port of a service that listens but publishes nothing (redis) and saves it in
     * stack.properties: a free one, kept for the life of the stack, because the replicas that
     * depend on it have it in their URL.
     */
    int reservePrivatePort(Service s) {
        Properties p = state.settings();
        String key = s.id() + "Port";
        String recorded = p.getProperty(key);
        boolean running = replicas(s).stream().anyMatch(Replica::isRunning);
        if (recorded != null && (running || ports.free(Integer.parseInt(recorded)))) {
            return Integer.parseInt(recorded);
        }
        int port = ports.any();
        p.setProperty(key, Integer.toString(port));
        state.saveSettings(p);
        return port;
    }

    /** The REDIS_URL the user gave, else the one of this stack's redis (its port reserved on first use). */
    public String redisUrl() {
        if (settings.externalRedis()) return settings.environment().get("REDIS_URL");
        return "redis://127.0.0.1:" + reservePrivatePort(Service.REDIS);
    }

    /**
     * What a dependent replica is given in {@code <SERVICE>_URL}: redis' URL, or the URL of every
     * running replica of the service as a comma list (the local stand-in for a Service or a VIP:
     * each call picks one).
     */
    String urlsOf(Service s) {
        if (s == Service.REDIS) return redisUrl();
        List<String> urls = replicas(s).stream().filter(Replica::isRunning)
                .map(r -> "http://127.0.0.1:" + r.port()).toList();
        return urls.isEmpty() ? "http://127.0.0.1:" + publishedPort(s) : String.join(",", urls);
    }

    public List<Replica> replicas() {
        return state.replicas();
    }

    public List<Replica> replicas(Service s) {
        return replicas().stream().filter(r -> r.service() == s).toList();
    }

    public AutoCloseable lock() {
        return state.lock(out);
    }

    /** Removes this project's state and logs; keeps the caches (.dockercoins/bin, .dockercoins/cds). */
    public void removeAll() {
        for (Replica r : replicas()) status.print(r, "Removed");
        state.delete();
        out.flush();
    }
}
