package dockercoins.worker;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The worker's configuration, read only from environment variables, with defaults equal to the
 * compose service names. A malformed value throws {@link IllegalArgumentException} with a
 * one-line message naming the variable and the value.
 */
record Settings(List<URI> rngUrls, List<URI> hasherUrls, URI redisUrl, Duration workerDelay, OptionalInt metricsPort,
        String bindAddress, boolean keepAlive, boolean ignoreSigterm, double chaosErrorRate, Env.Version version, String replica, boolean debug) {

    private static final String URLS = "must be one or more http://host[:port] URLs separated by commas";

    static Settings fromEnv(Map<String, String> variables) {
        var env = new Env(variables);
        return new Settings(
                env.parse("RNG_URL", "http://rng", URLS, Settings::httpUrls),
                env.parse("HASHER_URL", "http://hasher", URLS, Settings::httpUrls),
                env.redisUrl("REDIS_URL", "redis://redis:6379"),
                env.seconds("WORKER_DELAY", "0.1"),
                // Unset (the default): no port at all, as the labs expect of the worker.
                env.isSet("METRICS_PORT") ? OptionalInt.of(env.port("METRICS_PORT", "")) : OptionalInt.empty(),
                env.address("BIND_ADDRESS", "0.0.0.0"), // where the METRICS_PORT server listens
                // DEMO: off, a new connection per call (see Worker.main); on, for throughput.
                env.onOff("KEEP_ALIVE", "off"),
                // DEMO: on, SIGTERM is ignored as by the original's worker (see Worker.main).
                env.onOff("IGNORE_SIGTERM", "off"),
                // Chaos: that share of loops fails, and the worker waits 10 s as after any failed call.
                env.parse("CHAOS_ERROR_RATE", "0", "must be a number from 0 to 1",
                        value -> value.matches("[0-9]*\\.?[0-9]+") && Double.parseDouble(value) <= 1 ? Double.parseDouble(value) : null),
                env.version(),
                env.replicaName(),
                env.debug());
    }

    /** The URLs without trailing slashes (requests go to <url>/32 and <url>/), or null if one is not http://host[:port]. */
    private static List<URI> httpUrls(String value) {
        var urls = new ArrayList<URI>();
        for (String item : value.split(",", -1)) {
            URI url = parse(item.strip());
            if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null || url.getQuery() != null) {
                return null;
            }
            urls.add(URI.create(url.toString().replaceAll("/+$", "")));
        }
        return List.copyOf(urls);
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
