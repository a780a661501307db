package dockercoins.hasher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** hasher's /metrics, /healthz and /readyz against a real server, and a trace through the agent. */
class HasherObservabilityTest {
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
    void requests_move_the_counters_and_the_duration_histogram() throws Exception {
        URI hasher = start(Duration.ofMillis(100));
        assertEquals(200, client.send(post(hasher), BodyHandlers.discarding()).statusCode());
        assertEquals(200, client.send(post(hasher), BodyHandlers.discarding()).statusCode());
        assertEquals(200, get(hasher).statusCode());

        HttpResponse<String> scrape = get(hasher.resolve("/metrics"));
        assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String text = scrape.body();
        assertEquals(2, value(text, "hasher_requests_total", "method", "POST", "code", "200"));
        assertEquals(1, value(text, "hasher_requests_total", "method", "GET", "code", "200"));
        assertEquals(2, value(text, "hasher_request_duration_seconds_count", "method", "POST"));
        assertTrue(value(text, "hasher_request_duration_seconds_sum", "method", "POST") >= 0.2, "two POSTs of 0.1 s");
        assertEquals(0, value(text, "hasher_requests_in_flight"));
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds_total")) {
            assertTrue(text.contains("\n" + jvm), "JVM basics: no " + jvm);
        }
    }

    @Test
    void in_flight_counts_the_requests_being_answered_and_probes_answer_meanwhile() throws Exception {
        URI hasher = start(Duration.ofSeconds(3));
        List<CompletableFuture<HttpResponse<Void>>> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) slow.add(client.sendAsync(post(hasher), BodyHandlers.discarding()));
        Instant deadline = Instant.now().plusSeconds(10);
        while (value(get(hasher.resolve("/metrics")).body(), "hasher_requests_in_flight") != 5) {
            assertTrue(Instant.now().isBefore(deadline), "in flight never reached 5");
            Thread.sleep(10);
        }
        for (String path : List.of("/healthz", "/readyz")) {
            Instant start = Instant.now();
            assertEquals(200, get(hasher.resolve(path)).statusCode(), path);
            assertTrue(Duration.between(start, Instant.now()).toMillis() < 2000, path);
        }
        slow.forEach(CompletableFuture::join);
        assertEquals(0, value(get(hasher.resolve("/metrics")).body(), "hasher_requests_in_flight"));
    }

    @Test
    void with_the_opentelemetry_agent_a_post_joins_the_trace_of_its_traceparent() throws Exception {
        Path agent = Path.of(System.getProperty("otel.javaagent", "target/otel/opentelemetry-javaagent.jar"));
        assertTrue(Files.isReadable(agent), "the agent jar is copied by maven-dependency-plugin: " + agent);
        var hasher = new ServiceProcess(Hasher.class, Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "0",
                "OTEL_SERVICE_NAME", "hasher", "OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "none",
                "OTEL_LOGS_EXPORTER", "none"), List.of("-javaagent:" + agent));
        processes.add(hasher);
        URI uri = URI.create("http://127.0.0.1:" + hasher.awaitLine(
                Pattern.compile("listening on port (\\d+)"), Duration.ofSeconds(60)).group(1) + "/");
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        var traced = HttpRequest.newBuilder(uri).header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .POST(BodyPublishers.ofString("hello")).build();
        assertEquals(200, client.send(traced, BodyHandlers.discarding()).statusCode());
        hasher.awaitLine(Pattern.compile("LoggingSpanExporter - 'POST /' : " + traceId + " [0-9a-f]{16} SERVER"),
                Duration.ofSeconds(20));
    }

    private URI start(Duration delay) throws IOException {
        HttpServer server = Hasher.start(new Hasher.Settings(0, "127.0.0.1", delay, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "hasher-1"));
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

    private static HttpRequest post(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).POST(BodyPublishers.ofByteArray(new byte[32])).build();
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
    }
}
