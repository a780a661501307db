package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A stack's settings and where each comes from, the first that has it winning: the command line
 * (--port-base, --publish-address), the environment, .env (as Compose reads it), what the stack
 * remembered from its last converge (stack.properties), the default. A malformed value is one
 * line naming where it came from.
 */
public final class StackSettings {
    /** The services' own variables, passed from the environment or from .env, as Compose does. */
    public static final List<String> KNOBS = List.of(
            "RNG_DELAY", "RNG_CONCURRENCY", "HASHER_DELAY", "WORKER_DELAY", "FILES_DIR", "DEBUG", "REDIS_URL",
            "ACCESS_LOG", "KEEP_ALIVE", "SHUTDOWN_DRAIN", "_JAVA_OPTIONS", "VERSION", "COLOR", "MESSAGE",
            "CHAOS", "CHAOS_ERROR_RATE", "CHAOS_LATENCY", "CHAOS_READY", "CHAOS_HEALTHY", "CHAOS_CPU", "CHAOS_MEMORY");

    /** Where published ports listen unless told otherwise: every interface, as Compose publishes {@code 8000:80}. */
    static final String DEFAULT_PUBLISH_ADDRESS = "0.0.0.0";

    static final int DEFAULT_PORT_BASE = 8000;
    private static final String KNOBS_RECORDED = "knobs.recorded";

    private final Integer portBaseOption;
    private final String publishAddressOption;
    private final Map<String, String> env;
    private final Supplier<Properties> remembered;

    /**
     * {@code env} is the environment over .env (see {@link #environment}); {@code remembered}
     * reads what the stack recorded, anew each time (another shell may have changed it).
     */
    public StackSettings(Integer portBaseOption, String publishAddressOption, Map<String, String> env,
                         Supplier<Properties> remembered) {
        this.portBaseOption = portBaseOption;
        this.publishAddressOption = publishAddressOption;
        this.env = env;
        this.remembered = remembered;
    }

    /** The variables of .env, with those of the environment over them: the shell wins, as in Compose. */
    public static Map<String, String> environment(Map<String, String> dotEnv, Map<String, String> shell) {
        Map<String, String> env = new HashMap<>(dotEnv);
        env.putAll(shell);
        return env;
    }

    /** --port-base, else $DOCKERCOINS_PORT_BASE, else the stack's current base, else 8000. */
    public int portBase() {
        if (portBaseOption != null) return portBaseOption;
        String variable = env.get("DOCKERCOINS_PORT_BASE");
        if (variable != null) return parsePortBase(variable, "DOCKERCOINS_PORT_BASE");
        String recorded = remembered.get().getProperty("portBase");
        return recorded != null ? Integer.parseInt(recorded) : DEFAULT_PORT_BASE;
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
        return remembered.get().getProperty("publishAddress", DEFAULT_PUBLISH_ADDRESS);
    }

    /**
     * The knobs of the last up or scale, as stack.properties recorded them: what start gives the
     * replicas it starts again, as they were created (docker start keeps a container's environment
     * too). A stack recorded by an older launcher has none: the environment's then.
     */
    public Map<String, String> knobsOfLastUp() {
        Properties p = remembered.get();
        if (!p.containsKey(KNOBS_RECORDED)) return knobs();
        Map<String, String> knobs = new TreeMap<>();
        for (String knob : KNOBS) {
            String value = p.getProperty("knob." + knob);
            if (value != null) knobs.put(knob, value);
        }
        return knobs;
    }

    /** Records this invocation's knobs for a later start; REDIS_URL, which may hold a password, is read from the environment only. */
    public void recordKnobs(Properties p) {
        p.stringPropertyNames().stream().filter(key -> key.startsWith("knob.")).forEach(p::remove);
        knobs().forEach((knob, value) -> {
            if (!knob.equals("REDIS_URL")) p.setProperty("knob." + knob, value);
        });
        p.setProperty(KNOBS_RECORDED, "true");
    }

    /** The knobs set in the environment or .env: what up gives the replicas. */
    public Map<String, String> knobs() {
        Map<String, String> knobs = new TreeMap<>();
        for (String knob : KNOBS) {
            if (env.containsKey(knob)) knobs.put(knob, env.get(knob));
        }
        return knobs;
    }

    /** The environment of this invocation, .env included. */
    public Map<String, String> environment() {
        return env;
    }

    /** The PATH of this invocation, where redis-server and prometheus are looked for. */
    public String path() {
        return env.get("PATH");
    }

    /** A REDIS_URL given by the user wins: no redis is started then. */
    public boolean externalRedis() {
        return env.containsKey("REDIS_URL") && !env.get("REDIS_URL").isBlank();
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

    /** An IP address to listen on (0.0.0.0, 127.0.0.1, an interface's address, ::), not a host name. */
    static String parseAddress(String text, String what) {
        String a = text.strip();
        boolean ipv4 = a.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean ipv6 = a.contains(":") && a.matches("[0-9A-Fa-f:.]+");
        if (ipv4 || ipv6) return a;
        throw new LaunchException(what + " must be an IP address to listen on, such as 0.0.0.0 (every interface) or "
                + "127.0.0.1 (this machine only), got \"" + text + "\"");
    }
}
