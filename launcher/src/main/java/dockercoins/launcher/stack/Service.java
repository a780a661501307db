package dockercoins.launcher.stack;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the launcher knows about each service, as data: its port, whether this repository builds
 * it, and what it depends on. Declared in start order; stop order is the reverse, so workers stop
 * before redis and flush their count to it.
 */
public enum Service {
    REDIS(Port.PRIVATE, Origin.BINARY, "\u001b[34m"),
    RNG(Port.published(1), Origin.BUILT_HERE, "\u001b[33m"),
    HASHER(Port.published(2), Origin.BUILT_HERE, "\u001b[32m"),
    WEBUI(Port.published(0), Origin.BUILT_HERE, "\u001b[35m", REDIS),
    WORKER(Port.NONE, Origin.BUILT_HERE, "\u001b[36m", REDIS, RNG, HASHER),
    /** 9090 with the default port base, as in Compose; runs only with {@code up --with prometheus}. */
    PROMETHEUS(Port.published(1090), Origin.EXTRA, "\u001b[31m");

    /**
     * Where a replica listens: published on port base + offset (8000 webui, 8001 rng, 8002
     * hasher), on a free port of its own (redis), or nowhere (worker).
     */
    record Port(int offset, boolean listens) {
        static final Port NONE = new Port(-1, false);
        static final Port PRIVATE = new Port(-1, true);

        static Port published(int offset) {
            return new Port(offset, true);
        }

        boolean published() {
            return offset >= 0;
        }
    }

    /** Built from this repository with ./mvnw, a binary from PATH, or an extra one that runs only when asked for with up --with. */
    enum Origin { BUILT_HERE, BINARY, EXTRA }

    final Port port;
    final Origin origin;
    final String colour;
    /** Services it is given the address of when it starts ({@code <NAME>_URL}): it starts once they accept connections. */
    final List<Service> dependsOn;

    Service(Port port, Origin origin, String colour, Service... dependsOn) {
        this.port = port;
        this.origin = origin;
        this.colour = colour;
        this.dependsOn = List.of(dependsOn);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isJava() {
        return origin == Origin.BUILT_HERE;
    }

    /** Every service but worker listens on a port, so "started" means "accepts connections". */
    public boolean listens() {
        return port.listens();
    }

    /**
     * The dependencies that scale (rng, hasher for the worker): a replica is given the address of
     * each of their replicas when it starts, so it must restart when their replicas change.
     */
    List<Service> scalableDependencies() {
        return dependsOn.stream().filter(d -> d.whyOnlyOne() == null).toList();
    }

    /** Why at most one replica may run, or null when the service scales. */
    public String whyOnlyOne() {
        return switch (this) {
            case REDIS -> "each copy would hold its own data";
            case PROMETHEUS -> "one server scrapes every replica";
            default -> null;
        };
    }

    /** DockerCoins' five services, those of compose.yaml; the extras run only when asked for. */
    public static List<Service> compose() {
        return Arrays.stream(values()).filter(s -> s.origin != Origin.EXTRA).toList();
    }

    /** Reverse start order: workers first, so they flush their count to Redis. */
    static List<Service> stopOrder() {
        return Arrays.asList(values()).reversed();
    }

    static String names() {
        return Arrays.stream(values()).map(Service::id).collect(Collectors.joining(", "));
    }

    public static Service parse(String name) {
        for (Service s : values()) {
            if (s.id().equals(name)) return s;
        }
        throw new IllegalArgumentException("no such service: \"" + name + "\" (services: " + names() + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
