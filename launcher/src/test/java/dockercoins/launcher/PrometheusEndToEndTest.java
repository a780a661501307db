package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"\\]");
    private static final Pattern TARGET = Pattern.compile("\"scrapePool\":\"(\\w+)\".*?\"health\":\"(\\w+)\"");

    private final Path projectDir = Path.of("").toAbsolutePath().getParent();
    private final String project = "e2eprom" + ProcessHandle.current().pid();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int base;

    record Result(int exit, String out, String err) {
    }

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
        for (int candidate = 25000 + (int) (ProcessHandle.current().pid() % 200) * 10; ; candidate += 10) {
            if (free(candidate) && free(candidate + 1) && free(candidate + 2) && free(candidate + 1090)) {
                base = candidate;
                return;
            }
        }
    }

    @AfterAll
    void down_whatever_happened() throws Exception {
        if (base > 0) dockercoins("down");
    }

    @Test
    void prometheus_scrapes_the_local_stack_and_down_stops_it() throws Exception {
        Result up = dockercoins("up", "-d", "--with", "prometheus");
        assertEquals(0, up.exit(), up.out() + up.err());
        assertTrue(up.out().contains("-prometheus-1"), up.out());
        int port = base + 1090;

        await(Duration.ofSeconds(60), "prometheus answers a non-zero rate of worker loops", () -> loopsPerSecond(port) > 0);
        System.out.println("e2e: sum(rate(worker_loops_total[30s])) = " + loopsPerSecond(port));

        Map<String, String> health = new TreeMap<>();
        await(Duration.ofSeconds(20), "rng, hasher, webui and worker targets are up", () -> {
            health.clear();
            Matcher m = TARGET.matcher(query(port, "/api/v1/targets"));
            while (m.find()) health.merge(m.group(1), m.group(2), (a, b) -> a.equals("up") ? b : a);
            return health.equals(Map.of("rng", "up", "hasher", "up", "webui", "up", "worker", "up"));
        });

        Result ps = dockercoins("ps", "prometheus");
        assertTrue(ps.out().contains("127.0.0.1:" + port), ps.out());
        Result logs = dockercoins("logs", "--tail", "all", "prometheus");
        assertTrue(logs.out().contains("prometheus-1  | "), logs.out());

        List<Long> pids = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        recordPidsAndPorts(pids, ports);
        assertTrue(ports.contains(port), ports.toString());
        Result down = dockercoins("down");
        assertEquals(0, down.exit(), down.err());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        }
        Path stackDir = projectDir.resolve(".dockercoins").resolve(project);
        await(Duration.ofSeconds(5), "no supervisor left", () -> ProcessHandle.allProcesses()
                .noneMatch(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(stackDir.toString())));
        for (int p : ports) assertFalse(Stack.accepts(p), "port " + p + " still open");
        assertFalse(Files.exists(stackDir));
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

    private void recordPidsAndPorts(List<Long> pids, List<Integer> ports) throws IOException {
        Path state = projectDir.resolve(".dockercoins").resolve(project).resolve("state");
        try (Stream<Path> files = Files.list(state)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(f)) {
                    p.load(in);
                }
                pids.add(Long.parseLong(p.getProperty("pid")));
                int port = Integer.parseInt(p.getProperty("port"));
                if (port > 0) ports.add(port);
            }
        }
    }

    private Result dockercoins(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(projectDir.resolve("dockercoins").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(projectDir.toFile());
        pb.environment().put("DOCKERCOINS_PORT_BASE", Integer.toString(base));
        pb.environment().put("DOCKERCOINS_PROJECT_NAME", project);
        for (String knob : Stack.KNOBS) pb.environment().remove(knob);
        Path err = Files.createTempFile("dockercoins", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("./dockercoins " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.sleep(500);
        }
    }

    private static boolean free(int port) {
        return !Stack.accepts(port);
    }
}
