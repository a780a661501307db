package dockercoins.hasher;

import static dockercoins.hasher.Http.SAYS_CONNECTION_CLOSE;
import static dockercoins.hasher.Http.cannotListen;
import static dockercoins.hasher.Http.routeFilters;
import static dockercoins.hasher.Http.sendText;
import static dockercoins.hasher.Http.sentNotReady;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hasher: the SHA-256 of whatever is POSTed, as lower-case hex, many requests at once.
 * <pre>curl -s --data-binary hello localhost:8002/</pre>
 */
public final class Hasher {
    /** The largest body that hasher hashes: 1 MiB. */
    static final int MAX_BODY = 1024 * 1024;
    private static final long DRAIN_LIMIT = 8 * MAX_BODY;
    private static final String HOSTNAME = Env.hostname();

    /** Configuration comes only from environment variables, with the compose defaults. */
    record Settings(int port, String bindAddress, Duration delay, Duration shutdownDrain, boolean accessLog, boolean debug,
            Chaos.Settings chaos, Env.Version version, String replica) {
        static Settings fromEnv(Map<String, String> variables) {
            var env = new Env(variables);
            return new Settings(
                    env.port("PORT", "80"),
                    env.address("BIND_ADDRESS", "0.0.0.0"),
                    env.seconds("HASHER_DELAY", "0.1"),
                    env.seconds("SHUTDOWN_DRAIN", "3"),
                    env.onOff("ACCESS_LOG", "on"),
                    env.debug(),
                    Chaos.Settings.fromEnv(variables),
                    env.version(),
                    env.replicaName());
        }
    }

    /**
     * Routes: GET / answers at once; POST / hashes the body. Requests run concurrently.
     * GET /metrics, /healthz and /readyz are for Prometheus and probes. The faults of {@link Chaos}
     * (none by default) apply to GET and POST /, and to the probes' answers.
     */
    static HttpServer start(Settings settings) throws IOException {
        return start(settings, new Chaos("hasher", settings.chaos().atStart()));
    }

    static HttpServer start(Settings settings, Chaos chaos) throws IOException {
        var metrics = new HasherMetrics();
        chaos.register(metrics.registry());
        var log = LoggerFactory.getLogger(Hasher.class); // not a static field: main applies DEBUG first
        var server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        server.createContext("/", exchange -> route(exchange, settings, log))
                .getFilters().addAll(routeFilters(settings.accessLog(), settings.replica(), metrics.measureRequests(), chaos));
        // Never access-logged, like rng's: a scrape every few seconds would drown the requests.
        server.createContext("/metrics", metrics.handler()).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/chaos", chaos::notHere).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/healthz", chaos::healthz).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/readyz", exchange -> readyz(exchange, chaos)).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    /** GET / and POST /; anything else is answered with what hasher does serve. */
    private static void route(HttpExchange exchange, Settings settings, Logger log) throws IOException {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals("/")) {
            sendText(exchange, 404, "no such page: hasher answers GET / and POST /\n");
        } else if (method.equals("GET") || method.equals("HEAD")) {
            index(exchange, settings.version());
        } else if (method.equals("POST")) {
            hash(exchange, settings.delay(), log);
        } else {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD, POST");
            sendText(exchange, 405, "hasher answers GET and POST, not " + method + "\n");
        }
    }

    /** GET /: who answers, and its version on a second line when VERSION, COLOR or MESSAGE is set (rollout labs). */
    private static void index(HttpExchange exchange, Env.Version version) throws IOException {
        String line = version.line();
        sendText(exchange, 200, "HASHER running on " + HOSTNAME + "\n" + (line.isEmpty() ? "" : line + "\n"));
    }

    /** POST /: the hex SHA-256 of the body, at most 1 MiB of it. */
    private static void hash(HttpExchange exchange, Duration delay, Logger log) throws IOException {
        String hash = declaredLength(exchange) > MAX_BODY ? null : sha256(exchange.getRequestBody());
        if (hash == null) {
            tooLarge(exchange);
            return;
        }
        pause(delay); // Simulate a little bit of delay, as the original does.
        log.debug("Hashed the body into {}", hash);
        sendText(exchange, 200, hash);
    }

    /** No dependency to wait for: ready until SIGTERM (or chaos says otherwise). */
    private static void readyz(HttpExchange exchange, Chaos chaos) throws IOException {
        if (!sentNotReady(exchange, chaos)) sendText(exchange, 200, "ready\n");
    }

    /** The hex SHA-256 of the body, or null past MAX_BODY bytes: read in small pieces, never held whole. */
    static String sha256(InputStream body) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        var buffer = new byte[16 * 1024];
        long total = 0;
        for (int n; (n = body.read(buffer)) != -1; ) {
            total += n;
            if (total > MAX_BODY) return null;
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
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
        HttpServer server;
        var chaos = new Chaos("hasher", settings.chaos().atStart());
        try {
            server = start(settings, chaos);
        } catch (IOException e) {
            System.err.println(cannotListen("hasher", settings.bindAddress(), settings.port(), e));
            System.exit(1);
            return;
        }
        if (settings.chaos().on()) chaos.listenOrExit(settings.bindAddress(), settings.chaos().port());
        Drain.onSigterm("hasher", server, settings.shutdownDrain());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0))); // Ctrl-C and other signals: at once
        LoggerFactory.getLogger(Hasher.class).info("hasher listening on port {}", server.getAddress().getPort());
    }

    // Plumbing below: answers and the delay.

    private static long declaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return length == null ? -1 : Long.parseLong(length.strip()); // the server already checked the digits
    }

    /**
     * 413 at once, then drop a few MiB of the unread body before closing: a client still sending
     * it then reads this answer instead of a connection reset.
     */
    private static void tooLarge(HttpExchange exchange) throws IOException {
        byte[] body = ("the body is larger than the limit of " + MAX_BODY + " bytes (1 MiB)\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(413, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
            out.flush();
            exchange.getRequestBody().skip(DRAIN_LIMIT);
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
