package dockercoins.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package: apt-get install prometheus) scrapes a running worker and
 * answers a non-zero rate() of its loops. Skipped only when no prometheus binary is on PATH.
 */
class PrometheusScrapeTest {

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.eE+-]+|NaN)\"]");

    @Test
    void prometheus_scrapes_the_worker_and_sees_a_non_zero_rate_of_loops(@TempDir Path dir) throws Exception {
        Path prometheus = onPath("prometheus");
        Assumptions.assumeTrue(prometheus != null, "no prometheus on PATH (apt-get install prometheus): NOT tested");
        try (var redis = new TestRedis();
                var rng = StandIn.rng("127.0.0.1", 0, Duration.ofMillis(20));
                var hasher = StandIn.hasher(Duration.ofMillis(20));
                var worker = WorkerProcess.start(Map.of("RNG_URL", rng.url().toString(), "HASHER_URL",
                        hasher.url().toString(), "REDIS_URL", "redis://127.0.0.1:" + redis.port, "METRICS_PORT", "0"))) {
            String line = worker.awaitLine(" - worker serving /metrics on port \\d+$", Duration.ofSeconds(20));
            String target = "127.0.0.1:" + line.substring(line.lastIndexOf(' ') + 1);
            // The job of deploy/observability/prometheus.yml, with a 1 s interval to keep the test short.
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                    - job_name: worker
                      static_configs:
                      - targets: ["%s"]
                    """.formatted(target));
            int port = TestRedis.freePort();
            Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String query = "sum(rate(worker_loops_total{job=\"worker\"}[5s]))";
                URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8));
                double rate = 0;
                String last = "";
                Instant deadline = Instant.now().plusSeconds(60);
                while (rate <= 0 && Instant.now().isBefore(deadline) && server.isAlive()) {
                    last = get(api);
                    Matcher value = VALUE.matcher(last);
                    rate = value.find() && !value.group(1).equals("NaN") ? Double.parseDouble(value.group(1)) : 0;
                    if (rate <= 0) WorkerProcess.pause(Duration.ofMillis(500));
                }
                assertTrue(rate > 0, query + " answered " + last + "\nprometheus log:\n"
                        + Files.readString(dir.resolve("prometheus.log")));
                // A worker with 20 ms delays does at most ~16 loops/s.
                assertTrue(rate < 50, "rate " + rate);
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
            }
        }
    }

    private static String get(URI uri) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException notYetListening) {
            return notYetListening.toString();
        }
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }
}
