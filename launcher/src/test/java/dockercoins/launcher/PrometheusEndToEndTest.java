package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack.Result;
import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.stack.Prometheus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./dockercoins up -d --with prometheus}: Debian's prometheus (from PATH) scrapes the local
 * stack and answers a non-zero rate of worker loops; {@code down} stops it with the rest. Its own
 * project name and port base, so neither a user's stack nor LauncherEndToEndTest is touched.
 * Skipped when no prometheus binary is on PATH (.ci/run installs Debian's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusEndToEndTest {
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"\\]");
    private static final Pattern TARGET = Pattern.compile("\"scrapePool\":\"(\\w+)\".*?\"health\":\"(\\w+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ScriptedStack stack;

    @BeforeAll
    void prometheus_on_path_and_free_ports() {
        boolean onPath;
        try {
            Prometheus.binary(System.getenv("PATH"));
            onPath = true;
        } catch (LaunchException e) {
            onPath = false;
        }
        Assumptions.assumeTrue(onPath, "skipped: no prometheus binary on PATH (apt-get install prometheus; .ci/run does)");
        stack = new ScriptedStack("e2eprom", 25000, 0, 1, 2, 1090);
    }

    @AfterAll
    void down_whatever_happened() throws Exception {
        if (stack != null) stack.run("down");
    }

    @Test
    void prometheus_scrapes_the_local_stack_and_down_stops_it() throws Exception {
        Result up = stack.run("up", "-d", "--with", "prometheus");
        assertEquals(0, up.exit(), up.out() + up.err());
        assertTrue(up.out().contains("-prometheus-1"), up.out());
        int port = stack.base + 1090;

        ScriptedStack.await(Duration.ofSeconds(60), "prometheus answers a non-zero rate of worker loops", () -> loopsPerSecond(port) > 0);
        System.out.println("e2e: sum(rate(worker_loops_total[30s])) = " + loopsPerSecond(port));

        Map<String, String> health = new TreeMap<>();
        ScriptedStack.await(Duration.ofSeconds(20), "rng, hasher, webui and worker targets are up", () -> {
            health.clear();
            Matcher m = TARGET.matcher(query(port, "/api/v1/targets"));
            while (m.find()) health.merge(m.group(1), m.group(2), (a, b) -> a.equals("up") ? b : a);
            return health.equals(Map.of("rng", "up", "hasher", "up", "webui", "up", "worker", "up"));
        });

        Result ps = stack.run("ps", "prometheus");
        assertTrue(ps.out().contains("127.0.0.1:" + port), ps.out());
        Result logs = stack.run("logs", "--tail", "all", "prometheus");
        assertTrue(logs.out().contains("prometheus-1  | "), logs.out());

        assertTrue(stack.recordPidsAndPorts().contains(port), "prometheus' port is in the stack's state");
        stack.downLeavesNothing();
    }

    // ---- helpers -------------------------------------------------------------------------

    private double loopsPerSecond(int port) {
        Matcher m = VALUE.matcher(query(port, "/api/v1/query?query=sum(rate(worker_loops_total%5B30s%5D))"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String query(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
