package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.Ports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One project's stack: where it lives (the project directory and its {@code .dockercoins/}),
 * its settings (ports, the services' knobs from the environment and .env, redis, prometheus),
 * and the parts that act on it: its {@link StateDir}, its {@link Supervisor}, its {@link Ports}.
 */
public final class Stack {
    /** The services' own variables, passed from the environment or from .env, as Compose does. */
    public static final List<String> KNOBS = List.of(
            "RNG_DELAY", "RNG_CONCURRENCY", "HASHER_DELAY", "WORKER_DELAY", "FILES_DIR", "DEBUG", "REDIS_URL",
            "ACCESS_LOG", "KEEP_ALIVE", "SHUTDOWN_DRAIN", "_JAVA_OPTIONS");

    /** Where published ports listen unless told otherwise: every interface, as Compose publishes {@code 8000:80}. */
    static final String DEFAULT_PUBLISH_ADDRESS = "0.0.0.0";
    /** Where everything else listens: redis, extra replicas, the workers' metrics. */
    public static final String LOOPBACK = "127.0.0.1";

    static final int DEFAULT_PORT_BASE = 8000;

    public final Path projectDir;
    public final String project;
    /** {@code .dockercoins/}: every stack of the project, and the caches they share. */
    public final Path home;
    public final StateDir state;
    public final Supervisor supervisor;
    public final Ports ports;
    public final PrintWriter out;
    private final Map<String, String> env;
    private final Integer portBaseOption;
    private final String publishAddressOption;
    private boolean withPrometheus;

    public Stack(Path projectDir, String project, Integer portBaseOption, String publishAddressOption, Map<String, String> env,
          PrintWriter out) {
        this.projectDir = projectDir;
        this.project = project;
        this.home = projectDir.resolve(".dockercoins");
        this.state = new StateDir(home, project);
        this.env = env;
        this.portBaseOption = portBaseOption;
        this.publishAddressOption = publishAddressOption;
        this.out = out;
        this.supervisor = new Supervisor(this);
        this.ports = new Ports();
    }

    /**
     * Where the published ports listen: --publish-address, else $DOCKERCOINS_PUBLISH_ADDRESS, else
     * BIND_ADDRESS from the environment or .env (what it meant before), else the stack's current
     * address, else every interface, as Compose publishes.
     */
    public String publishAddress() {
        if (publishAddressOption != null) return parseAddress(publishAddressOption, "--publish-address");
        for (String variable : List.of("DOCKERCOINS_PUBLISH_ADDRESS", "BIND_ADDRESS")) {
            if (env.containsKey(variable) && !env.get(variable).isBlank()) return parseAddress(env.get(variable), variable);
        }
        return state.settings().getProperty("publishAddress", DEFAULT_PUBLISH_ADDRESS);
    }

    /** Replica 1 of a published service listens on the publish address; every other replica on loopback only. */
    public String listenAddress(Service s, int index) {
        return s.port.published() && index == 1 ? publishAddress() : LOOPBACK;
    }

    /** {@code 0.0.0.0:8000}, {@code [::]:8000}: an address and a port, as ps shows them and prometheus takes them. */
    public static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** An IP address to listen on (0.0.0.0, 127.0.0.1, an interface's address, ::), not a host name. */
    static String parseAddress(String text, String what) {
        String a = text.strip();
        boolean ipv4 = a.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean ipv6 = a.contains(":") && a.matches("[0-9A-Fa-f:.]+");
        if (ipv4 || ipv6) return a;
        throw new LaunchException(what + " must be an IP address to listen on, such as 0.0.0.0 (every interface) or "
                + "127.0.0.1 (this machine only), got \"" + text + "\"");
    }

    /** The knobs set in the environment or .env. */
    Map<String, String> knobs() {
        Map<String, String> knobs = new TreeMap<>();
        for (String knob : KNOBS) {
            if (env.containsKey(knob)) knobs.put(knob, env.get(knob));
        }
        return knobs;
    }

    /** The environment of this invocation, .env included (the environment wins). */
    public Map<String, String> environment() {
        return env;
    }

    /** The PATH of this invocation, where redis-server and prometheus are looked for. */
    public String path() {
        return env.get("PATH");
    }

    /** The class-data caches of the Java services, shared by every stack of the project. */
    Path cacheDir() {
        return home.resolve("cds");
    }

    /** A REDIS_URL given by the user wins: no redis is started then. */
    boolean externalRedis() {
        return env.containsKey("REDIS_URL") && !env.get("REDIS_URL").isBlank();
    }

    /** up --with prometheus, or an earlier up of this stack did (remembered until down). */
    public boolean prometheus() {
        return withPrometheus || "true".equals(state.settings().getProperty("prometheus"));
    }

    /** Checks the binary first: a missing one is one clear line, before anything starts. */
    public void withPrometheus() {
        Prometheus.binary(path());
        withPrometheus = true;
    }

    public int portBase() {
        Integer base = portBaseOption;
        if (base == null && env.containsKey("DOCKERCOINS_PORT_BASE")) {
            base = parsePortBase(env.get("DOCKERCOINS_PORT_BASE"), "DOCKERCOINS_PORT_BASE");
        }
        if (base == null) {
            String recorded = state.settings().getProperty("portBase");
            base = recorded != null ? Integer.parseInt(recorded) : DEFAULT_PORT_BASE;
        }
        return base;
    }

    public static int parsePortBase(String text, String what) {
        try {
            int base = Integer.parseInt(text.strip());
            if (base >= 1 && base <= 65533) return base;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LaunchException(what + " must be a port number from 1 to 65533, got \"" + text + "\"");
    }

    public int publishedPort(Service s) {
        return portBase() + s.port.offset();
    }

    /**
     * The port of a service that listens but publishes nothing (redis): a free one, kept for the
     * life of the stack, because the replicas that depend on it have it in their URL.
     */
    int privatePort(Service s) {
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

    public String redisUrl() {
        return externalRedis() ? env.get("REDIS_URL") : "redis://127.0.0.1:" + privatePort(Service.REDIS);
    }

    /**
     * What a dependent replica is given in {@code <SERVICE>_URL}: redis' URL, or every running
     * replica of the service as a comma list (the local stand-in for a Service or a VIP: each
     * call picks one).
     */
    String address(Service s) {
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
        for (Replica r : replicas()) status(r, "Removed");
        state.delete();
        out.flush();
    }

    /** Compose's progress line for a container: {@code  Container dockercoins-worker-2  Started}. */
    void status(Replica r, String what) {
        out.printf(" Container %-" + 24 + "s %s%n", r.name(project), what);
    }
}
