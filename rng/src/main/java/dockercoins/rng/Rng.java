package dockercoins.rng;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import com.sun.net.httpserver.SimpleFileServer.OutputLevel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.LoggerFactory;

/**
 * rng: random bytes from the operating system, slowly, one request at a time.
 * <pre>curl -s localhost:8001/32 | xxd</pre>
 */
public final class Rng {
    /** The largest n that {@code GET /<n>} serves: 1 MiB. */
    static final int MAX_BYTES = 1024 * 1024;
    private static final String HOSTNAME = Env.hostname();
    private static final SecureRandom RANDOM = osRandom();

    /** Configuration comes only from environment variables, with the compose defaults. */
    record Settings(int port, String bindAddress, Duration delay, int concurrency, int readyMaxQueue, Duration shutdownDrain,
            boolean accessLog, boolean debug) {
        static Settings fromEnv(Map<String, String> variables) {
            var env = new Env(variables);
            return new Settings(
                    env.port("PORT", "80"),
                    env.address("BIND_ADDRESS", "0.0.0.0"),
                    env.seconds("RNG_DELAY", "0.1"),
                    env.number("RNG_CONCURRENCY", "1", 0, Integer.MAX_VALUE, "a whole number (0 = unlimited)"),
                    env.number("RNG_READY_MAX_QUEUE", "10", 1, Integer.MAX_VALUE, "a whole number of waiting requests, 1 or more"),
                    env.seconds("SHUTDOWN_DRAIN", "3"),
                    env.onOff("ACCESS_LOG", "on"),
                    env.debug());
        }
    }

    /** Starts rng with its line of waiting clients. */
    static HttpServer start(Settings settings) throws IOException {
        var metrics = new RngMetrics();
        // DEMO: one request at a time, in arrival order: the bottleneck the labs find (see SingleFile).
        return start(settings, new SingleFile(settings.concurrency(), metrics), metrics);
    }

    /**
     * Routes: GET / and GET /{n}, both through the queue; bad requests are answered before it.
     * GET /metrics, /healthz and /readyz never wait in it: they must see the line, not stand in it.
     */
    static HttpServer start(Settings settings, SingleFile queue, RngMetrics metrics) throws IOException {
        metrics.watch(queue);
        var server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "rng only answers GET, not " + method + "\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String problem = problemWith(path); // why /<n> is not a count rng serves, or null
            switch (path) {
                case "/" -> queue.serve(exchange, e -> reply(e, 200, "RNG running on " + HOSTNAME + "\n"));
                case String deeper when deeper.indexOf('/', 1) >= 0 ->
                        reply(exchange, 404, "no such page: rng answers / and /<number of bytes>\n");
                case String badCount when problem != null ->
                        reply(exchange, 400, exchange.getRequestURI().getRawPath() + problem + "\n");
                default -> queue.serve(exchange, e -> { // GET /{n}
                    pause(settings.delay()); // Simulate a little bit of delay, as the original does.
                    sendRandomBytes(e, Integer.parseInt(path.substring(1)));
                });
            }
        }).getFilters().addAll(settings.accessLog() // DEMO: a line per request (ACCESS_LOG=off, for throughput: none)
                ? List.of(SAYS_CONNECTION_CLOSE, SimpleFileServer.createOutputFilter(System.out, OutputLevel.INFO), metrics.countRequests())
                : List.of(SAYS_CONNECTION_CLOSE, metrics.countRequests()));
        // Not access-logged, so rng's log stream still stops when its line does (a lab watches it).
        server.createContext("/metrics", metrics.handler()).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/healthz", exchange -> reply(exchange, 200, "rng is alive\n")).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/readyz", exchange -> {
            if (Drain.stopping()) {
                reply(exchange, 503, "not ready: shutting down\n");
                return;
            }
            int waiting = queue.waiting();
            boolean ready = waiting < settings.readyMaxQueue();
            reply(exchange, ready ? 200 : 503, (ready ? "ready: " : "not ready: ") + waiting
                    + " requests waiting in line, the limit is " + settings.readyMaxQueue() + "\n");
        }).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    /** Why "/n" asks for no byte count that rng serves, or null when it does. */
    private static String problemWith(String path) {
        String n = path.substring(1);
        if (!n.matches("-?[0-9]+")) return " is not a number of bytes: ask for a whole number, e.g. /32";
        if (n.startsWith("-")) return " is negative: ask for 0 to " + MAX_BYTES + " bytes";
        String digits = n.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 7 || Integer.parseInt(digits) > MAX_BYTES) {
            return " is too many bytes: the limit is " + MAX_BYTES + " (1 MiB)";
        }
        return null;
    }

    /**
     * HTTP/1.1 manners: after a request that says {@code Connection: close} the JDK closes the
     * connection but does not say so in the answer, and a client such as wrk then counts an error.
     */
    static final Filter SAYS_CONNECTION_CLOSE = Filter.beforeHandler("answers Connection: close in kind", exchange -> {
        for (String value : exchange.getRequestHeaders().getOrDefault("Connection", List.of())) {
            for (String option : value.split(",")) {
                if (option.strip().equalsIgnoreCase("close")) exchange.getResponseHeaders().set("Connection", "close");
            }
        }
    });

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
        try {
            server = start(settings);
        } catch (IOException e) {
            System.err.println(cannotListen("rng", settings.bindAddress(), settings.port(), e));
            System.exit(1);
            return;
        }
        Drain.onSigterm("rng", server, settings.shutdownDrain());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0))); // Ctrl-C and other signals: at once
        LoggerFactory.getLogger(Rng.class).info("rng listening on port {}", server.getAddress().getPort());
    }

    /** Why the server could not start; for a port below 1024 refused (no NET_BIND_SERVICE), the cause and the fixes. */
    static String cannotListen(String service, String address, int port, IOException e) {
        String line = service + " cannot listen on " + address + ":" + port + ": " + e.getMessage();
        if (port >= 1024 || !String.valueOf(e.getMessage()).contains("Permission denied")) return line;
        return line + ": a port below 1024 needs the capability NET_BIND_SERVICE, which this runtime or image does not give"
                + " (Kaniko, for one, drops the image's file capability); fix: set PORT to 1024 or above, or run where"
                + " unprivileged ports are allowed (sysctl net.ipv4.ip_unprivileged_port_start=0), or grant NET_BIND_SERVICE";
    }

    // Plumbing below: answers, the delay, the OS generator.

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean withBody = sendHeaders(exchange, status, body.length);
        try (var out = exchange.getResponseBody()) {
            if (withBody) out.write(body);
        }
    }

    /**
     * The status and headers of an answer of length bytes; false for HEAD, which gets no body. HEAD
     * gets the Content-Length that GET would, set here: the JDK sends none (and warns if given one).
     */
    private static boolean sendHeaders(HttpExchange exchange, int status, long length) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
        exchange.sendResponseHeaders(status, head || length == 0 ? -1 : length);
        return !head;
    }

    /** Sends n bytes from the OS generator, 64 KiB at a time: many big answers at once never fill the heap. */
    private static void sendRandomBytes(HttpExchange exchange, int n) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        boolean withBody = sendHeaders(exchange, 200, n);
        try (var out = exchange.getResponseBody()) {
            var chunk = new byte[Math.min(n, 64 * 1024)];
            for (int left = withBody ? n : 0; left > 0; left -= chunk.length) {
                RANDOM.nextBytes(chunk);
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The OS generator (/dev/urandom on Linux), which never blocks for lack of entropy. */
    private static SecureRandom osRandom() {
        try {
            return SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException notLinux) {
            return new SecureRandom();
        }
    }
}
