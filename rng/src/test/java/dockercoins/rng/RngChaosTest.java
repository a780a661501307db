package dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The faults of Chaos, switched on and off in a real rng process: each fault's effect, that
 * probes and metrics are spared, bad values refused, and /chaos only on its own port.
 */
class RngChaosTest {
    static final HttpClient client = HttpClient.newHttpClient();
    final List<ServiceProcess> processes = new ArrayList<>();
    ServiceProcess rng;
    URI service;
    URI chaos;

    @AfterEach
    void stop() throws InterruptedException {
        for (var process : processes) process.close();
    }

    @Test
    void without_faults_rng_answers_as_usual_and_chaos_is_on_its_own_port_only() throws Exception {
        start(Map.of());
        assertEquals(200, get(service.resolve("/32")).statusCode());
        var notHere = get(service.resolve("/chaos"));
        assertEquals(404, notHere.statusCode());
        assertTrue(notHere.body().contains("CHAOS_PORT"), notHere.body());
        assertEquals("{\"error_rate\":0,\"latency\":0,\"ready\":true,\"healthy\":true,\"cpu\":0,\"memory\":0}\n",
                get(chaos).body());
    }

    @Test
    void without_chaos_on_nothing_listens_for_changes() throws Exception {
        int chaosPort = freePort();
        rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "CHAOS_PORT", String.valueOf(chaosPort)));
        service = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        assertEquals(200, get(service.resolve("/32")).statusCode());
        assertTrue(rng.lines.stream().noneMatch(line -> line.contains("chaos on port")), rng.lines.toString());
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", chaosPort), 1000);
            throw new AssertionError("something listens on CHAOS_PORT without CHAOS=on");
        } catch (java.net.ConnectException expected) {
            // refused: nothing listens
        }
    }

    @Test
    void error_rate_1_fails_every_own_request_but_never_the_probes_and_metrics_and_0_ends_it() throws Exception {
        start(Map.of());
        assertEquals(200, put("{\"error_rate\": 1}").statusCode());
        for (String path : List.of("/", "/32", "/32")) {
            var answer = get(service.resolve(path));
            assertEquals(500, answer.statusCode(), path);
            assertTrue(answer.headers().firstValue("X-Chaos").orElseThrow().startsWith("{\"error_rate\":1,"), "the faults in force");
            assertTrue(answer.body().contains("chaos: error_rate 1"), answer.body());
        }
        for (String path : List.of("/healthz", "/readyz", "/metrics")) assertEquals(200, get(service.resolve(path)).statusCode(), path);
        String metrics = get(service.resolve("/metrics")).body();
        assertTrue(metrics.contains("chaos_fault{fault=\"error_rate\"} 1.0"), metrics);
        assertTrue(metrics.contains("rng_requests_total{code=\"500\",route=\"/{n}\"} 2.0"), metrics);
        rng.awaitLine(Pattern.compile("rng chaos by PUT /chaos: \\{\"error_rate\":1,"), Duration.ofSeconds(5));

        assertEquals(200, put("{\"error_rate\": 0}").statusCode());
        var normal = get(service.resolve("/32"));
        assertEquals(200, normal.statusCode());
        assertTrue(normal.headers().firstValue("X-Chaos").isEmpty(), "X-Chaos without a fault");
        assertTrue(normal.headers().firstValue("X-Replica").isPresent(), "every answer names its replica");
    }

    @Test
    void latency_delays_each_own_request_by_at_least_that_long() throws Exception {
        start(Map.of());
        assertEquals(200, put("{\"latency\": \"0.4-0.6\"}").statusCode());
        assertTrue(get(chaos).body().contains("\"latency\":\"0.4-0.6\""));
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            assertEquals(200, get(service.resolve("/32")).statusCode());
            assertTrue(System.nanoTime() - started >= 400_000_000L, "answered in less than the 0.4 s latency");
        }
        long started = System.nanoTime();
        assertEquals(200, get(service.resolve("/healthz")).statusCode());
        assertTrue(System.nanoTime() - started < 400_000_000L, "a probe waited for the latency");
        assertEquals(200, put("{\"latency\": 0}").statusCode());
        assertTrue(get(chaos).body().contains("\"latency\":0,"));
    }

    @Test
    void ready_and_healthy_false_make_the_probes_answer_503_until_set_back() throws Exception {
        start(Map.of());
        assertEquals(200, put("{\"ready\": false, \"healthy\": false}").statusCode());
        var readyz = get(service.resolve("/readyz"));
        assertEquals(503, readyz.statusCode());
        assertEquals("not ready: chaos ready=false\n", readyz.body());
        assertEquals(503, get(service.resolve("/healthz")).statusCode());
        assertEquals(200, get(service.resolve("/32")).statusCode());
        assertTrue(get(service.resolve("/metrics")).body().contains("chaos_fault{fault=\"healthy\"} 0.0"));

        assertEquals(200, put("{\"ready\": true, \"healthy\": true}").statusCode());
        assertEquals(200, get(service.resolve("/readyz")).statusCode());
        assertEquals("rng is alive\n", get(service.resolve("/healthz")).body());
    }

    @Test
    void cpu_keeps_a_core_busy_until_set_back_to_0() throws Exception {
        start(Map.of());
        long before = cpuMillis();
        assertEquals(200, put("{\"cpu\": 1}").statusCode());
        await("one CPU-second burnt", Duration.ofSeconds(30), () -> cpuMillis() - before >= 1000);
        assertEquals(200, put("{\"cpu\": 0}").statusCode());
        Thread.sleep(300); // the burners see the change within 100 ms
        long stopped = cpuMillis();
        Thread.sleep(1000);
        assertTrue(cpuMillis() - stopped < 500, "still burning after cpu 0: " + (cpuMillis() - stopped) + " ms in 1 s");
    }

    @Test
    void memory_is_held_resident_until_set_back_to_0() throws Exception {
        start(Map.of());
        long before = rssMib();
        assertEquals(200, put("{\"memory\": 96}").statusCode());
        long holding = rssMib();
        assertTrue(holding - before >= 90, "RSS grew from " + before + " to " + holding + " MiB only");
        assertEquals(200, put("{\"memory\": 0}").statusCode());
        await("the memory given back", Duration.ofSeconds(30), () -> rssMib() < holding - 60);
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(delimiter = '|', textBlock = """
            {"error_rate": 2}                  | error_rate must be a number from 0 to 1, got 2
            {"error_rate": "half"}             | error_rate must be a number from 0 to 1, got "half"
            {"latency": "1.5-0.2"}             | latency must be a number of seconds up to 60, or a range such as "0.2-1.5", got "1.5-0.2"
            {"ready": "no"}                    | ready must be true or false, got "no"
            {"memory": 1.5}                    | memory must be a number of MiB from 0 to 65536, got 1.5
            {"exit": 256}                      | exit must be an exit code from 0 to 255, got 256
            {"eror_rate": 1}                   | unknown fault "eror_rate": the faults are [error_rate, latency, ready, healthy, cpu, memory, exit]
            {"error_rate": 0.5, "cpu": -1}     | cpu must be a number of cores from 0 to 64, got -1
            not json                           | the body must be a JSON object of faults
            [1, 2]                             | the body must be a JSON object of faults
            """)
    void a_bad_change_gets_a_400_naming_the_problem_and_changes_nothing(String body, String message) throws Exception {
        start(Map.of());
        var answer = put(body);
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().startsWith(message), answer.body());
        assertTrue(get(chaos).body().startsWith("{\"error_rate\":0,"), "a refused change changed the faults");
        assertEquals(200, get(service.resolve("/32")).statusCode());
    }

    @Test
    void exit_answers_then_ends_the_process_with_that_code() throws Exception {
        start(Map.of());
        assertEquals(200, put("{\"exit\": 3}").statusCode());
        assertEquals(3, rng.awaitExit(Duration.ofSeconds(20)));
        rng.awaitLine(Pattern.compile("rng chaos: exiting with code 3"), Duration.ofSeconds(1));
    }

    @Test
    void faults_set_at_start_by_variables_apply_without_chaos_on() throws Exception {
        rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "CHAOS_ERROR_RATE", "1", "CHAOS_READY", "off"));
        service = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        assertEquals(500, get(service.resolve("/32")).statusCode());
        assertEquals(503, get(service.resolve("/readyz")).statusCode());
        rng.awaitLine(Pattern.compile("rng chaos by CHAOS_\\* variables: \\{\"error_rate\":1,.*\"ready\":false"), Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}={1} stops start-up")
    @CsvSource({
            "CHAOS_ERROR_RATE, 2, 'CHAOS_ERROR_RATE must be a number from 0 to 1, got 2'",
            "CHAOS_LATENCY, soon, 'CHAOS_LATENCY must be a number of seconds up to 60, or a range such as \"0.2-1.5\", got \"soon\"'",
            "CHAOS_CPU, lots, 'CHAOS_CPU must be a number, got \"lots\"'",
            "CHAOS, maybe, 'CHAOS must be on or off (or yes/no, true/false), got \"maybe\"'",
    })
    void a_malformed_chaos_variable_stops_start_up_with_one_line_naming_it(String name, String value, String message) throws Exception {
        var process = run(Map.of("PORT", "0", name, value));
        assertEquals(2, process.awaitExit(Duration.ofSeconds(20)));
        assertEquals(List.of(message), process.lines);
    }

    // Plumbing below.

    private void start(Map<String, String> extra) {
        var env = new HashMap<>(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0", "CHAOS", "on", "CHAOS_PORT", "0"));
        env.putAll(extra);
        rng = run(env);
        service = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        int chaosPort = Integer.parseInt(rng.awaitLine(Pattern.compile("rng chaos on port (\\d+)"), Duration.ofSeconds(20)).group(1));
        chaos = URI.create("http://127.0.0.1:" + chaosPort + "/chaos");
    }

    /** rng with the image's JVM flags: they let direct memory grow, and give freed memory back. */
    private ServiceProcess run(Map<String, String> env) {
        var process = new ServiceProcess(Rng.class, env, List.of("@" + Path.of("jvm.flags").toAbsolutePath()));
        processes.add(process);
        return process;
    }

    private HttpResponse<String> put(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(chaos).PUT(BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
                BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The process's user and system CPU time, from /proc (clock ticks of 10 ms). */
    private long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/" + rng.process.pid() + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private long rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + rng.process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
            throw new AssertionError("no VmRSS");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
