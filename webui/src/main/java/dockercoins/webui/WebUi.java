package dockercoins.webui;

import static dockercoins.webui.Http.SAYS_CONNECTION_CLOSE;
import static dockercoins.webui.Http.cannotListen;
import static dockercoins.webui.Http.routeFilters;
import static dockercoins.webui.Http.send;
import static dockercoins.webui.Http.sendText;
import static dockercoins.webui.Http.sentNotReady;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The page with the mining-speed graph, and the counters it polls.
 * {@code curl http://localhost:8000/json} gives {@code {"coins":12,"hashes":"345","now":1764175770.123}}, as the original.
 */
public final class WebUi {
    /** Configuration comes only from environment variables, with the compose defaults. */
    record Settings(int port, String bindAddress, URI redisUrl, Path filesDir, Duration shutdownDrain, boolean accessLog, boolean debug,
            Chaos.Settings chaos, Env.Version version, String replica) {
        static Settings fromEnv(Map<String, String> variables) {
            var env = new Env(variables);
            // Run from the source tree, the page is in webui/files; in the image FILES_DIR=/files.
            String files = Files.isDirectory(Path.of("webui/files")) ? "webui/files" : "files";
            return new Settings(
                    env.port("PORT", "80"),
                    env.address("BIND_ADDRESS", "0.0.0.0"),
                    env.redisUrl("REDIS_URL", "redis://redis:6379"),
                    env.parse("FILES_DIR", files, "must be a directory",
                            dir -> Files.isDirectory(Path.of(dir)) ? Path.of(dir).toAbsolutePath().normalize() : null),
                    env.seconds("SHUTDOWN_DRAIN", "3"),
                    env.onOff("ACCESS_LOG", "on"),
                    env.debug(),
                    Chaos.Settings.fromEnv(variables),
                    env.version(),
                    env.replicaName());
        }
    }

    /**
     * Routes: / redirects to the page, /json gives the counters, /replicas who does the work, anything else is a file from FILES_DIR.
     * GET /metrics, /healthz and /readyz (ready while Redis answers) are for Prometheus and probes.
     * The faults of {@link Chaos} (none by default) apply to the page, /json and the files, and to the probes' answers.
     */
    static HttpServer start(Settings settings, UnifiedJedis redis) throws IOException {
        return start(settings, redis, new Chaos("webui", settings.chaos().atStart()));
    }

    static HttpServer start(Settings settings, UnifiedJedis redis, Chaos chaos) throws IOException {
        var files = SimpleFileServer.createFileHandler(settings.filesDir());
        var metrics = new WebUiMetrics(redis);
        chaos.register(metrics.registry());
        var server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) { // the file handler would say 501
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "webui only answers GET and HEAD, not " + method + "\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> redirect(exchange, "/index.html");
                case "/json" -> json(exchange, redis, settings.version());
                case "/replicas" -> replicas(exchange, redis);
                default -> files.handle(exchange); // 404 for anything outside FILES_DIR
            }
        }).getFilters().addAll(routeFilters(settings.accessLog(), settings.replica(), metrics.countJsonRequests(), chaos));
        // Never access-logged, like rng's and hasher's: probes and scrapes would drown the page's polls.
        server.createContext("/metrics", metrics.handler()).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/chaos", chaos::notHere).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/healthz", chaos::healthz).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/readyz", exchange -> readyz(exchange, redis, chaos)).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    private static void json(HttpExchange exchange, UnifiedJedis redis, Env.Version version) throws IOException {
        var log = LoggerFactory.getLogger(WebUi.class); // not a static field: main applies DEBUG first
        try {
            long coins = redis.hlen("wallet");
            String hashes = redis.get("hashes");
            // The page computes the speed itself from two polls: (h2-h1)/(t2-t1).
            String now = BigDecimal.valueOf(System.currentTimeMillis(), 3).toPlainString();
            log.debug("{} coins, {} hashes", coins, hashes);
            // The original's keys and types, so that its clients work unchanged: hashes is Redis' string
            // as is (checked to be a whole number: the page graphs it), null before the first count.
            if (hashes != null) Long.parseLong(hashes);
            String hashesJson = hashes == null ? "null" : "\"" + hashes + "\"";
            sendJson(exchange, 200, "{\"coins\":" + coins + ",\"hashes\":" + hashesJson + ",\"now\":" + now + versionJson(version) + "}");
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

    /**
     * GET /replicas: who does the work, as our workers tally it in Redis (keys the original never
     * reads: see the worker's WhoWorks), for the page's per-replica view. Per service, each
     * replica's count (worker: loops; rng, hasher: calls answered) and the last second it was
     * counted; and the newest events, which the page marks on its graph.
     */
    private static void replicas(HttpExchange exchange, UnifiedJedis redis) throws IOException {
        var answer = new JsonObject();
        try {
            answer.addProperty("now", System.currentTimeMillis() / 1000.0);
            for (String service : List.of("worker", "rng", "hasher")) {
                Map<String, String> counts = redis.hgetAll("dockercoins:replicas:" + service);
                Map<String, String> seen = redis.hgetAll("dockercoins:seen:" + service);
                var replicas = new JsonObject();
                counts.forEach((name, count) -> {
                    var replica = new JsonObject();
                    replica.addProperty("count", Long.parseLong(count));
                    replica.addProperty("seen", Long.parseLong(seen.getOrDefault(name, "0")));
                    replicas.add(name, replica);
                });
                answer.add(service, replicas);
            }
            var events = new JsonArray();
            for (String event : redis.lrange("dockercoins:events", 0, 49)) events.add(JsonParser.parseString(event));
            answer.add("events", events);
            sendJson(exchange, 200, answer.toString());
        } catch (JedisException e) {
            sendJson(exchange, 503, "{\"error\": \"redis unavailable\"}");
        } catch (RuntimeException e) { // a key written by someone else: say so, keep serving
            sendJson(exchange, 500, "{\"error\": \"unexpected data under dockercoins:*\"}");
        }
    }

    /** Ready while Redis answers (without it /json has nothing to show), until SIGTERM (or chaos says otherwise). */
    private static void readyz(HttpExchange exchange, UnifiedJedis redis, Chaos chaos) throws IOException {
        if (sentNotReady(exchange, chaos)) return;
        try {
            redis.ping();
            sendText(exchange, 200, "ready: redis answers\n");
        } catch (JedisException e) {
            sendText(exchange, 503, "not ready: redis unavailable: " + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", " ") + "\n");
        }
    }

    /**
     * The version keys, only those set (VERSION, COLOR, MESSAGE), for the page's badge: the
     * original's keys come first, unchanged. MESSAGE has no control characters (Env checks it).
     */
    private static String versionJson(Env.Version version) {
        var json = new StringBuilder();
        if (!version.version().isEmpty()) json.append(",\"version\":\"").append(escape(version.version())).append('"');
        if (!version.color().isEmpty()) json.append(",\"color\":\"").append(version.color()).append('"');
        if (!version.message().isEmpty()) json.append(",\"message\":\"").append(escape(version.message())).append('"');
        return json.toString();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json; charset=utf-8", json);
    }

    /**
     * 303 See Other: for a GET it means what the original's 302 Found means, and the JDK writes the
     * right reason phrase for it (after 302 it writes "Temporary Redirect", the phrase of 307).
     */
    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        sendText(exchange, 303, "See Other. Redirecting to " + location + "\n");
    }

    /** The pool of Redis connections. */
    static RedisClient redisClient(URI url) {
        var pool = new ConnectionPoolConfig();
        pool.setJmxEnabled(false); // starting JMX for the pool would cost ~0.3 s of start-up and ~10 MB
        // PING each connection before use: after a Redis restart every pooled connection is dead,
        // and the test replaces a dead one at once, so the first command after a restart succeeds.
        pool.setTestOnBorrow(true);
        return RedisClient.builder().fromURI(url).poolConfig(pool).build();
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
        if (settings.debug()) Env.enableDebugLogs(); // before the first logger
        var redis = redisClient(settings.redisUrl());
        HttpServer server;
        var chaos = new Chaos("webui", settings.chaos().atStart());
        try {
            server = start(settings, redis, chaos);
        } catch (IOException e) { // e.g. the port is taken
            System.err.println(cannotListen("webui", settings.bindAddress(), settings.port(), e));
            System.exit(1);
            return;
        }
        if (settings.chaos().on()) chaos.listenOrExit(settings.bindAddress(), settings.chaos().port());
        Drain.onSigterm("webui", server, settings.shutdownDrain());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // also after the drain; Ctrl-C and other signals: at once
            server.stop(0);
            redis.close();
        }));
        LoggerFactory.getLogger(WebUi.class).info("WEBUI running on port {}", server.getAddress().getPort());
    }
}
