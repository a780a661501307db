package dockercoins.worker;

import java.net.InetSocketAddress;
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
        String bindAddress, boolean debug) {

    static Settings fromEnv(Map<String, String> env) {
        return new Settings(
                httpUrls("RNG_URL", env.getOrDefault("RNG_URL", "http://rng")),
                httpUrls("HASHER_URL", env.getOrDefault("HASHER_URL", "http://hasher")),
                redisUrl(env.getOrDefault("REDIS_URL", "redis://redis:6379")),
                seconds("WORKER_DELAY", env.getOrDefault("WORKER_DELAY", "0.1")),
                port("METRICS_PORT", env.getOrDefault("METRICS_PORT", "")),
                address("BIND_ADDRESS", env.getOrDefault("BIND_ADDRESS", "0.0.0.0")),
                env.getOrDefault("DEBUG", "").toLowerCase().startsWith("y"));
    }

    /** Empty (the default): no port at all, as the labs expect of the worker. */
    private static OptionalInt port(String name, String value) {
        if (value.isBlank()) {
            return OptionalInt.empty();
        }
        if (!value.strip().matches("\\d{1,5}") || Integer.parseInt(value.strip()) > 65535) {
            throw new IllegalArgumentException(name + " must be a port number from 0 to 65535, got \"" + value + "\"");
        }
        return OptionalInt.of(Integer.parseInt(value.strip()));
    }

    /** Where the METRICS_PORT server listens (the local launcher passes 127.0.0.1). */
    private static String address(String name, String value) {
        if (!new InetSocketAddress(value.strip(), 0).isUnresolved()) {
            return value.strip();
        }
        throw new IllegalArgumentException(name + " must be an IP address or a known host name, got \"" + value + "\"");
    }

    private static List<URI> httpUrls(String name, String value) {
        var urls = new ArrayList<URI>();
        for (String item : value.split(",", -1)) {
            URI url = parse(item.strip());
            if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null || url.getQuery() != null) {
                throw new IllegalArgumentException(name
                        + " must be one or more http://host[:port] URLs separated by commas, got \"" + value + "\"");
            }
            // Without trailing slashes: requests go to <url>/32 and <url>/.
            urls.add(URI.create(url.toString().replaceAll("/+$", "")));
        }
        return List.copyOf(urls);
    }

    private static URI redisUrl(String value) {
        URI url = parse(value.strip());
        if (url == null || !"redis".equals(url.getScheme()) || url.getHost() == null
                || !url.getRawPath().matches("(/\\d{0,5})?")) {
            throw new IllegalArgumentException(
                    "REDIS_URL must look like redis://[:password@]host[:port][/db], got \"" + value + "\"");
        }
        return url;
    }

    private static Duration seconds(String name, String value) {
        if (!value.strip().matches("\\d{1,4}(\\.\\d{0,9})?|\\.\\d{1,9}")) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got \"" + value + "\"");
        }
        return Duration.ofNanos(Math.round(Double.parseDouble(value.strip()) * 1e9));
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
