package dockercoins.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The worker's /metrics (with METRICS_PORT) and its traces (with the OpenTelemetry agent), for real. */
class WorkerObservabilityTest extends WorkerFixture {

    private static final HttpClient client = HttpClient.newHttpClient();

    @Test
    void loops_calls_coins_and_restarts_add_up_with_incrby_hashes_and_the_wallet() throws Exception {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = StandIn.hasher(Duration.ZERO);
        var worker = track(WorkerProcess.start(env(rng, hasher, "WORKER_DELAY", "0.02", "METRICS_PORT", "0", "BIND_ADDRESS", "127.0.0.1")));
        URI metrics = metricsUrl(worker);
        awaitUntil(() -> hashes() >= 20 && redis.hlen("wallet") >= 1, worker::output);
        assertTrue(rng.traceparents.isEmpty(), "no traceparent without the agent: the OpenTelemetry API is a no-op");

        // hasher goes away: the loop fails once and the worker waits 10 s, so nothing moves while we read.
        hasher.close();
        worker.awaitLine(" - Waiting 10s and restarting\\.$", Duration.ofSeconds(10));
        String text = scrape(metrics);
        double loops = value(text, "worker_loops_total");
        double pending = value(text, "worker_pending_loops");

        assertEquals(hashes() + pending, loops, "loops = INCRBY hashes so far + loops not yet added\n" + text);
        assertEquals(loops + 1, value(text, "worker_call_duration_seconds_count", "service", "rng", "outcome", "success"));
        assertEquals(loops, value(text, "worker_call_duration_seconds_count", "service", "hasher", "outcome", "success"));
        assertEquals(1, value(text, "worker_call_duration_seconds_count", "service", "hasher", "outcome", "error"));
        assertEquals(redis.hlen("wallet"), value(text, "worker_coins_found_total"));
        assertEquals(1, value(text, "worker_restarts_total"));
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds_total")) {
            assertTrue(text.contains("\n" + jvm), "JVM basics: no " + jvm);
        }
    }

    @Test
    void with_the_opentelemetry_agent_each_loop_is_one_trace_across_rng_and_hasher() throws Exception {
        Path agent = Path.of(System.getProperty("otel.javaagent", "target/otel/opentelemetry-javaagent.jar"));
        assertTrue(Files.isReadable(agent), "the agent jar is copied by maven-dependency-plugin: " + agent);
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, "WORKER_DELAY", "0.05", "OTEL_SERVICE_NAME", "worker",
                "OTEL_TRACES_EXPORTER", "logging", "OTEL_METRICS_EXPORTER", "none", "OTEL_LOGS_EXPORTER", "none"),
                "-javaagent:" + agent));
        awaitUntil(() -> hasher.traceparents.size() >= 5, worker::output);

        List<String> rngTraces = rng.traceparents.stream().map(WorkerObservabilityTest::traceId).toList();
        var loops = new HashSet<String>();
        for (String traceparent : hasher.traceparents.subList(0, 5)) {
            String traceId = traceId(traceparent);
            assertTrue(rngTraces.contains(traceId), "the loop's rng call has the hasher call's trace id " + traceId);
            assertTrue(loops.add(traceId), "a new trace per loop: " + traceId + " twice");
            // The worker's own span for the loop, exported by the agent (its logs go to stderr).
            awaitUntil(() -> worker.stderr.stream().anyMatch(line -> line.contains("'work loop' : " + traceId + " ")),
                    worker::output);
        }
    }

    // ---- helpers

    private static Map<String, String> env(StandIn rng, StandIn hasher, String... more) {
        var env = new HashMap<String, String>();
        env.put("RNG_URL", rng.url().toString());
        env.put("HASHER_URL", hasher.url().toString());
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisServer.port);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static URI metricsUrl(WorkerProcess worker) {
        String line = worker.awaitLine(" - worker serving /metrics on port \\d+$", Duration.ofSeconds(20));
        return URI.create("http://127.0.0.1:" + line.substring(line.lastIndexOf(' ') + 1) + "/metrics");
    }

    private static String scrape(URI metrics) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static String traceId(String traceparent) {
        assertTrue(traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), traceparent);
        return traceparent.split("-")[1];
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

    private static long hashes() {
        String value = redis.get("hashes");
        return value == null ? 0 : Long.parseLong(value);
    }

    private static void awaitUntil(BooleanSupplier condition, Supplier<String> message) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + message.get());
            }
            WorkerProcess.pause(Duration.ofMillis(10));
        }
    }
}
