package dockercoins.rng;

import static dockercoins.rng.Http.SAYS_CONNECTION_CLOSE;
import static dockercoins.rng.Http.cannotListen;
import static dockercoins.rng.Http.routeFilters;
import static dockercoins.rng.Http.sendHeaders;
import static dockercoins.rng.Http.sendText;
import static dockercoins.rng.Http.sentNotReady;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
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
            boolean accessLog, boolean debug, Chaos.Settings chaos, Env.Version version, String replica) {
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
                    env.debug(),
                    Chaos.Settings.fromEnv(variables),
                    env.version(),
                    env.replicaName());
        }
    }

    /** Starts rng with its line of waiting clients. */
    static HttpServer start(Settings settings) throws IOException {
        return start(settings, new Chaos("rng", settings.chaos().atStart()));
    }

    static HttpServer start(Settings settings, Chaos chaos) throws IOException {
        var metrics = new RngMetrics();
        // DEMO: one request at a time, in arrival order: the bottleneck the labs find (see SingleFile).
        return start(settings, new SingleFile(settings.concurrency(), metrics), metrics, chaos);
    }

    /**
     * Routes: GET / and GET /{n}, both through the queue; bad requests are answered before it.
     * GET /metrics, /healthz and /readyz never wait in it: they must see the line, not stand in it.
     * The faults of {@link Chaos} (none by default) apply to GET / and /{n}, and to the probes' answers.
     */
    static HttpServer start(Settings settings, SingleFile queue, RngMetrics metrics, Chaos chaos) throws IOException {
        metrics.watch(queue);
        chaos.register(metrics.registry());
        var server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        server.createContext("/", exchange -> route(exchange, settings.delay(), queue, settings.version()))
                .getFilters().addAll(routeFilters(settings.accessLog(), settings.replica(), metrics.countRequests(), chaos));
        // Not access-logged, so rng's log stream still stops when its line does (a lab watches it).
        server.createContext("/metrics", metrics.handler()).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/chaos", chaos::notHere).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/healthz", chaos::healthz).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.createContext("/readyz", exchange -> readyz(exchange, queue, settings.readyMaxQueue(), chaos)).getFilters().add(SAYS_CONNECTION_CLOSE);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    /** GET / and GET /{n} wait in the line; a request rng does not serve is answered at once. */
    private static void route(HttpExchange exchange, Duration delay, SingleFile queue, Env.Version version) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String problem = path.length() > 1 ? problemWith(path) : null; // why /<n> is not a count rng serves
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            sendText(exchange, 405, "rng only answers GET, not " + method + "\n");
        } else if (path.equals("/")) {
            queue.serve(exchange, e -> index(e, version));
        } else if (path.indexOf('/', 1) >= 0) {
            sendText(exchange, 404, "no such page: rng answers / and /<number of bytes>\n");
        } else if (problem != null) {
            sendText(exchange, 400, exchange.getRequestURI().getRawPath() + problem + "\n");
        } else {
            int n = Integer.parseInt(path.substring(1));
            queue.serve(exchange, e -> randomBytes(e, n, delay));
        }
    }

    /** GET /: who answers, and its version on a second line when VERSION, COLOR or MESSAGE is set (rollout labs). */
    private static void index(HttpExchange exchange, Env.Version version) throws IOException {
        String line = version.line();
        sendText(exchange, 200, "RNG running on " + HOSTNAME + "\n" + (line.isEmpty() ? "" : line + "\n"));
    }

    /** GET /{n}: n random bytes. */
    private static void randomBytes(HttpExchange exchange, int n, Duration delay) throws IOException {
        pause(delay); // Simulate a little bit of delay, as the original does.
        sendRandomBytes(exchange, n);
    }

    /** Ready while fewer than RNG_READY_MAX_QUEUE requests wait in the line, until SIGTERM (or chaos says otherwise). */
    private static void readyz(HttpExchange exchange, SingleFile queue, int readyMaxQueue, Chaos chaos) throws IOException {
        if (sentNotReady(exchange, chaos)) return;
        int waiting = queue.waiting();
        boolean ready = waiting < readyMaxQueue;
        sendText(exchange, ready ? 200 : 503, (ready ? "ready: " : "not ready: ") + waiting
                + " requests waiting in line, the limit is " + readyMaxQueue + "\n");
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
        var chaos = new Chaos("rng", settings.chaos().atStart());
        try {
            server = start(settings, chaos);
        } catch (IOException e) {
            System.err.println(cannotListen("rng", settings.bindAddress(), settings.port(), e));
            System.exit(1);
            return;
        }
        if (settings.chaos().on()) chaos.listenOrExit(settings.bindAddress(), settings.chaos().port());
        Drain.onSigterm("rng", server, settings.shutdownDrain());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0))); // Ctrl-C and other signals: at once
        LoggerFactory.getLogger(Rng.class).info("rng listening on port {}", server.getAddress().getPort());
    }

    // Plumbing below: the random bytes, the delay, the OS generator.

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
