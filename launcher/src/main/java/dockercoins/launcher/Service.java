package dockercoins.launcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The five compose services, then the extras ({@code up --with}), in start order (stop order is
 * the reverse: workers flush to Redis first).
 */
enum Service {
    REDIS(-1, "\u001b[34m"),
    RNG(1, "\u001b[33m"),
    HASHER(2, "\u001b[32m"),
    WEBUI(0, "\u001b[35m"),
    WORKER(-1, "\u001b[36m"),
    /** Extra: only with {@code up --with prometheus}; 9090 with the default port base, as in Compose. */
    PROMETHEUS(1090, "\u001b[31m");

    /** Published port = port base + this offset (8000 webui, 8001 rng, 8002 hasher, 9090 prometheus); -1: not published. */
    final int portOffset;
    final String colour;

    Service(int portOffset, String colour) {
        this.portOffset = portOffset;
        this.colour = colour;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean published() {
        return portOffset >= 0;
    }

    /** Not one of DockerCoins' five: runs only when asked for with {@code up --with}. */
    boolean extra() {
        return this == PROMETHEUS;
    }

    /** Built from this repository with ./mvnw (redis and prometheus are binaries on PATH). */
    boolean isJava() {
        return this != REDIS && this != PROMETHEUS;
    }

    /** Every service but worker listens on a port, so "started" means "accepts connections". */
    boolean listens() {
        return this != WORKER;
    }

    static String names() {
        return Arrays.stream(values()).map(Service::id).collect(Collectors.joining(", "));
    }

    static Service parse(String name) {
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
