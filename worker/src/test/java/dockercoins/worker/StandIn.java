package dockercoins.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** A small real HTTP server standing in for rng or hasher, counting what it serves. */
final class StandIn implements AutoCloseable {

    private final HttpServer server;
    /** Requests answered completely (counted after the response is sent). */
    final AtomicInteger served = new AtomicInteger();
    /** The client port of every request: one per TCP connection. */
    final Set<Integer> remotePorts = ConcurrentHashMap.newKeySet();
    /** The W3C traceparent header of every request that had one, in arrival order. */
    final List<String> traceparents = new CopyOnWriteArrayList<>();
    /** Headers sent with every answer, e.g. X-Replica as our rng and hasher send it. */
    final Map<String, String> headers = new ConcurrentHashMap<>();

    /** rng: GET /n answers n random bytes after the delay. */
    static StandIn rng(String address, int port, Duration delay) throws IOException {
        return new StandIn(address, port, delay, exchange -> {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring(1));
            byte[] bytes = new byte[n];
            ThreadLocalRandom.current().nextBytes(bytes);
            return bytes;
        });
    }

    /** hasher: POST / answers the hex SHA-256 of the body after the delay. */
    static StandIn hasher(Duration delay) throws IOException {
        return new StandIn("127.0.0.1", 0, delay, exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            return sha256(body).getBytes(StandardCharsets.US_ASCII);
        });
    }

    /** A hasher that always answers the same hash. */
    static StandIn hasherAnswering(String hex) throws IOException {
        return new StandIn("127.0.0.1", 0, Duration.ZERO, exchange -> {
            exchange.getRequestBody().readAllBytes();
            return hex.getBytes(StandardCharsets.US_ASCII);
        });
    }

    interface Answer {
        byte[] body(HttpExchange exchange) throws IOException;
    }

    private StandIn(String address, int port, Duration delay, Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> handle(exchange, delay, answer));
        server.start();
    }

    private void handle(HttpExchange exchange, Duration delay, Answer answer) throws IOException {
        try (exchange) {
            remotePorts.add(exchange.getRemoteAddress().getPort());
            String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
            if (traceparent != null) {
                traceparents.add(traceparent);
            }
            byte[] body = answer.body(exchange);
            Thread.sleep(delay);
            headers.forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        served.incrementAndGet();
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
