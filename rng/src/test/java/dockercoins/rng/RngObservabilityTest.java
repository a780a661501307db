package dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /metrics, /healthz and /readyz against a real rng: they see the line and never wait in it. */
class RngObservabilityTest {
    private static final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ServiceProcess> processes = new ArrayList<>();

    @AfterEach
    void stopEverythingStarted() throws InterruptedException {
        servers.forEach(server -> server.stop(0));
        for (ServiceProcess process : processes) process.close();
    }

    @Test
    void a_request_moves_the_counters_of_its_route_and_status() throws Exception {
        var metrics = new RngMetrics();
        URI rng = start(0, 10, new SingleFile(1, metrics), metrics);
        assertEquals(200, get(rng.resolve("/32")).statusCode());
        assertEquals(400, get(rng.resolve("/abc")).statusCode());
        assertEquals(200, get(rng).statusCode());

        HttpResponse<String> scrape = get(rng.resolve("/metrics"));
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String text = scrape.body();
        assertEquals(1, value(text, "rng_requests_total", "route", "/{n}", "code", "200"));
        assertEquals(1, value(text, "rng_requests_total", "route", "/{n}", "code", "400"));
        assertEquals(1, value(text, "rng_requests_total", "route", "/", "code", "200"));
        assertEquals(2, value(text, "rng_queue_wait_seconds_count"), "only /32 and / waited in line");
        assertEquals(2, value(text, "rng_serve_seconds_count"));
        assertEquals(0, value(text, "rng_queue_depth"));
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_collection_seconds_count", "jvm_threads_current",
                "process_cpu_seconds_total", "process_resident_memory_bytes")) {
            assertTrue(text.contains("\n" + jvm), "JVM basics: no " + jvm);
        }
        assertEquals(0, value(get(rng.resolve("/metrics")).body(), "rng_requests_total", "route", "/metrics"),
                "scrapes are not counted as requests");
    }

    @Test
    void queue_depth_reads_n_while_n_requests_wait_and_the_wait_is_measured() throws Exception {
        var metrics = new RngMetrics();
        var queue = new SingleFile(1, metrics);
        URI rng = start(0.5, 10, queue, metrics);
        for (int i = 0; i < 4; i++) client.sendAsync(request(rng.resolve("/1")), BodyHandlers.discarding());
        await(() -> queue.waiting() == 3);

        assertEquals(3, value(get(rng.resolve("/metrics")).body(), "rng_queue_depth"));

        await(() -> queue.waiting() == 0 && !queue.full());
        String text = get(rng.resolve("/metrics")).body();
        assertEquals(4, value(text, "rng_queue_wait_seconds_count"));
        // One request after another at 0.5 s: they waited 0 + 0.5 + 1 + 1.5 = 3 s in all.
        double waited = value(text, "rng_queue_wait_seconds_sum");
        assertTrue(waited >= 2.9 && waited < 6, "waited " + waited + " s in all");
        assertTrue(value(text, "rng_serve_seconds_sum") >= 2.0, "4 turns of 0.5 s");
        assertEquals(4, value(text, "rng_queue_wait_seconds_bucket", "le", "+Inf"));
    }

    @Test
    void readyz_flips_when_the_line_passes_the_threshold_and_flips_back() throws Exception {
        var metrics = new RngMetrics();
        var queue = new SingleFile(1, metrics);
        URI rng = start(0.7, 2, queue, metrics);
        HttpResponse<String> ready = get(rng.resolve("/readyz"));
        assertEquals(200, ready.statusCode());
        assertEquals("ready: 0 requests waiting in line, the limit is 2\n", ready.body());

        for (int i = 0; i < 3; i++) client.sendAsync(request(rng.resolve("/1")), BodyHandlers.discarding());
        await(() -> queue.waiting() == 2);
        HttpResponse<String> notReady = get(rng.resolve("/readyz"));
        assertEquals(503, notReady.statusCode());
        assertEquals("not ready: 2 requests waiting in line, the limit is 2\n", notReady.body());

        await(() -> queue.waiting() < 2);
        assertEquals(200, get(rng.resolve("/readyz")).statusCode());
    }

    @Test
    void metrics_and_probes_answer_at_once_while_the_line_is_busy() throws Exception {
        var metrics = new RngMetrics();
        var queue = new SingleFile(1, metrics);
        URI rng = start(5, 10, queue, metrics);
        for (int i = 0; i < 3; i++) client.sendAsync(request(rng.resolve("/1")), BodyHandlers.discarding());
        await(() -> queue.waiting() == 2);

        for (String path : List.of("/metrics", "/healthz", "/readyz")) {
            Instant start = Instant.now();
            HttpResponse<String> response = get(rng.resolve(path));
            Duration took = Duration.between(start, Instant.now());
            assertEquals(200, response.statusCode(), path);
            assertTrue(took.toMillis() < 2000, path + " took " + took + ": it waited in line behind a 5 s answer");
        }
        assertEquals("rng is alive\n", get(rng.resolve("/healthz")).body());
    }

    @Test
    void probes_and_scrapes_are_not_access_logged_so_the_log_stream_still_stops_with_the_line() throws Exception {
        var rng = new ServiceProcess(Rng.class, Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0"));
        processes.add(rng);
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        for (String path : List.of("metrics", "healthz", "readyz", "32")) assertEquals(200, get(uri.resolve(path)).statusCode());
        rng.awaitLine(Pattern.compile("\"GET /32 HTTP/1\\.1\" 200 -$"), Duration.ofSeconds(5));
        assertTrue(rng.lines.stream().noneMatch(line -> line.matches(".*GET /(metrics|healthz|readyz).*")), rng.lines.toString());
    }

    @Test
    void with_the_opentelemetry_agent_a_request_joins_the_trace_of_its_traceparent() throws Exception {
        Path agent = Path.of(System.getProperty("otel.javaagent", "target/otel/opentelemetry-javaagent.jar"));
        assertTrue(Files.isReadable(agent), "the agent jar is copied by maven-dependency-plugin: " + agent);
        var rng = new ServiceProcess(Rng.class, Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0",
                "OTEL_SERVICE_NAME", "rng", "OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "none",
                "OTEL_LOGS_EXPORTER", "none"), List.of("-javaagent:" + agent));
        processes.add(rng);
        URI uri = URI.create("http://127.0.0.1:" + Integer.parseInt(rng.awaitLine(
                Pattern.compile("listening on port (\\d+)"), Duration.ofSeconds(60)).group(1)) + "/32");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var traced = HttpRequest.newBuilder(uri).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").build();
        assertEquals(200, client.send(traced, BodyHandlers.discarding()).statusCode());
        rng.awaitLine(Pattern.compile("LoggingSpanExporter - 'GET /' : " + traceId + " [0-9a-f]{16} SERVER"),
                Duration.ofSeconds(20));
    }

    // ---- helpers

    private URI start(double delaySeconds, int readyMaxQueue, SingleFile queue, RngMetrics metrics) throws IOException {
        var settings = new Rng.Settings(0, "127.0.0.1", Duration.ofMillis((long) (delaySeconds * 1000)), 1,
                readyMaxQueue, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "rng-1");
        HttpServer server = Rng.start(settings, queue, metrics, new Chaos("rng", Chaos.Faults.NONE));
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The value of one series in a Prometheus text scrape, 0 when absent; labels as name, value pairs. */
    static double value(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            if (all) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(request(uri), BodyHandlers.ofString());
    }

    /** Polls the condition every millisecond for up to 10 s. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("condition not met within 10 s");
            Thread.sleep(1);
        }
    }
}
