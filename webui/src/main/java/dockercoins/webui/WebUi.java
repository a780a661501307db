package dockercoins.webui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import com.sun.net.httpserver.SimpleFileServer.OutputLevel;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The page with the mining-speed graph, and the counters it polls.
 * {@code curl http://localhost:8000/json} gives {@code {"coins": 12, "hashes": 345, "now": 1764175770.123}}.
 */
public final class WebUi {
    static {
        // DEBUG must be seen before the first logger is created.
        if (System.getenv().getOrDefault("DEBUG", "").matches("[yY].*")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
    }
    private static final Logger log = LoggerFactory.getLogger(WebUi.class);

    record Settings(InetSocketAddress address, URI redisUrl, Path filesDir) {
        static Settings fromEnv(Map<String, String> env) {
            String port = env.getOrDefault("PORT", "80");
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("PORT must be a port number (0-65535), got \"" + port + "\"");
            }
            String bind = env.getOrDefault("BIND_ADDRESS", "0.0.0.0");
            var address = new InetSocketAddress(bind, Integer.parseInt(port));
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("BIND_ADDRESS must be an IP address or host name, got \"" + bind + "\"");
            }
            String redis = env.getOrDefault("REDIS_URL", "redis://redis:6379");
            URI redisUrl = parseRedisUrl(redis);
            if (redisUrl == null) {
                throw new IllegalArgumentException("REDIS_URL must look like redis://[:password@]host[:port][/db], got \"" + redis + "\"");
            }
            // Run from the source tree, the page is in webui/files; in the image FILES_DIR=/files.
            String files = env.getOrDefault("FILES_DIR", Files.isDirectory(Path.of("webui/files")) ? "webui/files" : "files");
            if (!Files.isDirectory(Path.of(files))) {
                throw new IllegalArgumentException("FILES_DIR must be a directory, got \"" + files + "\"");
            }
            return new Settings(address, redisUrl, Path.of(files).toAbsolutePath().normalize());
        }

        private static URI parseRedisUrl(String value) {
            try {
                var uri = new URI(value);
                boolean valid = uri.getScheme() != null && uri.getScheme().matches("rediss?")
                        && uri.getHost() != null && uri.getRawPath().matches("(/\\d*)?");
                return valid ? uri : null;
            } catch (URISyntaxException e) {
                return null;
            }
        }
    }

    /**
     * Routes: / redirects to the page, /json gives the counters, anything else is a file from FILES_DIR.
     * GET /metrics, /healthz and /readyz (ready while Redis answers) are for Prometheus and probes.
     */
    static HttpServer start(Settings settings, UnifiedJedis redis) throws IOException {
        var files = SimpleFileServer.createFileHandler(settings.filesDir());
        var metrics = new WebUiMetrics(redis);
        var server = HttpServer.create(settings.address(), 0);
        server.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> redirect(exchange, "/index.html");
                case "/json" -> json(exchange, redis);
                default -> files.handle(exchange); // 404 for anything outside FILES_DIR
            }
        }).getFilters().addAll(List.of(SimpleFileServer.createOutputFilter(System.out, OutputLevel.INFO),
                metrics.countJsonRequests()));
        // Not access-logged, like rng's and hasher's: probes and scrapes would drown the page's polls.
        server.createContext("/metrics", metrics.handler());
        server.createContext("/healthz", exchange -> sendText(exchange, 200, "webui is alive\n"));
        server.createContext("/readyz", exchange -> readyz(exchange, redis));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    private static void json(HttpExchange exchange, UnifiedJedis redis) throws IOException {
        try {
            long coins = redis.hlen("wallet");
            String hashes = redis.get("hashes");
            // The page computes the speed itself from two polls: (h2-h1)/(t2-t1).
            String now = BigDecimal.valueOf(System.currentTimeMillis(), 3).toPlainString();
            log.debug("{} coins, {} hashes", coins, hashes);
            sendJson(exchange, 200, "{\"coins\": " + coins + ", \"hashes\": " + (hashes == null ? 0 : Long.parseLong(hashes))
                    + ", \"now\": " + now + "}");
        } catch (NumberFormatException e) {
            // Someone SET hashes by hand: say so rather than drop the connection without an answer.
            sendJson(exchange, 500, "{\"error\": \"the Redis key hashes is not a whole number\"}");
        } catch (JedisException e) {
            log.warn("Cannot read from Redis: {}", e.getMessage());
            // The page shows this text and keeps polling: it recovers by itself when Redis is back.
            String reason = String.valueOf(e.getMessage()).replaceAll("[\"\\\\\\p{Cntrl}]", "'");
            sendJson(exchange, 503, "{\"error\": \"redis unavailable: " + reason + "\"}");
        }
    }

    /** Ready while Redis answers: without it /json has nothing to show. */
    private static void readyz(HttpExchange exchange, UnifiedJedis redis) throws IOException {
        try {
            redis.ping();
            sendText(exchange, 200, "ready: redis answers\n");
        } catch (JedisException e) {
            sendText(exchange, 503, "not ready: redis unavailable: " + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", " ") + "\n");
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json; charset=utf-8", json);
    }

    /** HEAD (httping, some probes) gets the headers only: a length would make the JDK warn on stderr. */
    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        try (var out = exchange.getResponseBody()) {
            if (!head) out.write(body);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        var pool = new ConnectionPoolConfig();
        pool.setJmxEnabled(false); // starting JMX for the pool would cost ~0.3 s of start-up and ~10 MB
        var redis = RedisClient.builder().fromURI(settings.redisUrl()).poolConfig(pool).build();
        HttpServer server;
        try {
            server = start(settings, redis);
        } catch (IOException e) { // e.g. the port is taken
            System.err.println("webui cannot listen on " + settings.address() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            redis.close();
        }));
        log.info("WEBUI running on port {}", server.getAddress().getPort());
    }
}
