package dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RngTest {
    private static final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<ServiceProcess> processes = new ArrayList<>();

    @AfterEach
    void stopEverythingStarted() throws InterruptedException {
        servers.forEach(server -> server.stop(0));
        for (ServiceProcess process : processes) process.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 32, Rng.MAX_BYTES})
    void returns_exactly_the_requested_number_of_random_bytes(int n) throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        HttpResponse<byte[]> response = get(rng.resolve("/" + n));
        assertEquals(200, response.statusCode());
        assertEquals(n, response.body().length);
        assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void two_answers_differ() throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        byte[] first = get(rng.resolve("/32")).body();
        byte[] second = get(rng.resolve("/32")).body();
        assertFalse(java.util.Arrays.equals(first, second));
    }

    @Test
    void bytes_are_spread_evenly_over_all_256_values() throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        byte[] sample = get(rng.resolve("/" + Rng.MAX_BYTES)).body();
        long[] counts = new long[256];
        for (byte b : sample) counts[b & 0xff]++;
        double expected = sample.length / 256.0;
        double chiSquare = 0;
        for (long count : counts) chiSquare += (count - expected) * (count - expected) / expected;
        // 255 degrees of freedom: mean 255, standard deviation 22.6; 450 is more than 8 deviations out.
        assertTrue(chiSquare < 450, "chi-square " + chiSquare + " for a uniform distribution");
    }

    @Test
    void banner_names_the_host() throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        HttpResponse<byte[]> response = get(rng);
        String hostname = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
        assertEquals(200, response.statusCode());
        assertEquals("RNG running on " + hostname + "\n", new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    @ParameterizedTest
    @CsvSource(value = {"rng-7, rng-7", "'', HOST"})
    void every_answer_names_its_replica_from_REPLICA_NAME_else_the_host(String replicaName, String expected) throws Exception {
        String hostname = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
        HttpServer server = Rng.start(Rng.Settings.fromEnv(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0",
                "REPLICA_NAME", replicaName)));
        servers.add(server);
        URI rng = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        for (URI uri : List.of(rng, rng.resolve("/32"))) {
            assertEquals(expected.equals("HOST") ? hostname : expected, get(uri).headers().firstValue("X-Replica").orElseThrow(), uri.toString());
        }
    }

    @Test
    void serves_one_request_at_a_time_in_arrival_order() throws Exception {
        var queue = new SingleFile(1);
        URI rng = start(0.1, 1, queue);
        List<Integer> completed = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> responses = new ArrayList<>();
        Instant start = Instant.now();
        for (int n = 1; n <= 5; n++) {
            responses.add(client.sendAsync(request(rng.resolve("/" + n)), BodyHandlers.ofByteArray())
                    .thenAccept(response -> completed.add(response.body().length)));
            // Send the next request only once this one is in line (or, if the line moved on meanwhile, served).
            int sent = n;
            await(() -> queue.full() && queue.waiting() == sent - 1 - completed.size());
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).join();
        Duration elapsed = Duration.between(start, Instant.now());
        assertEquals(List.of(1, 2, 3, 4, 5), completed);
        assertTrue(elapsed.toMillis() >= 500, "5 requests of 0.1 s, one at a time, took only " + elapsed);
        assertTrue(elapsed.toMillis() < 5000, "5 requests took " + elapsed);
    }

    @Test
    void the_banner_waits_in_line_too() throws Exception {
        var queue = new SingleFile(1);
        URI rng = start(0.3, 1, queue);
        Instant sent = Instant.now();
        client.sendAsync(request(rng.resolve("/32")), BodyHandlers.discarding());
        await(queue::full);
        assertEquals(200, get(rng).statusCode());
        Duration waited = Duration.between(sent, Instant.now());
        assertTrue(waited.toMillis() >= 300, "GET / was answered after " + waited + ", before GET /32's 0.3 s were up");
    }

    @Test
    void concurrency_zero_lets_requests_overlap() throws Exception {
        URI rng = start(0.5, 0, new SingleFile(0));
        Instant start = Instant.now();
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 5; i++) responses.add(client.sendAsync(request(rng.resolve("/32")), BodyHandlers.ofByteArray()));
        responses.forEach(response -> assertEquals(200, response.join().statusCode()));
        Duration elapsed = Duration.between(start, Instant.now());
        assertTrue(elapsed.toMillis() >= 500, "took only " + elapsed);
        assertTrue(elapsed.toMillis() < 2000, "5 requests of 0.5 s at once took " + elapsed + ": they waited in line");
    }

    @ParameterizedTest
    @CsvSource({
            "/abc,     400, /abc is not a number of bytes",
            "/-1,      400, /-1 is negative",
            "/1.5,     400, /1.5 is not a number of bytes",
            "/%00,     400, /%00 is not a number of bytes",
            "/1048577, 400, /1048577 is too many bytes",
            "/99999999999999999999999, 400, is too many bytes",
            "/32/x,    404, no such page",
    })
    void bad_requests_get_a_one_line_reason_at_once_even_while_the_line_is_busy(String path, int status, String reason)
            throws Exception {
        var queue = new SingleFile(1);
        URI rng = start(5, 1, queue);
        client.sendAsync(request(rng.resolve("/32")), BodyHandlers.discarding());
        await(queue::full);
        Instant start = Instant.now();
        HttpResponse<String> response = client.send(request(URI.create(rng + path.substring(1))), BodyHandlers.ofString());
        assertTrue(Duration.between(start, Instant.now()).toMillis() < 2000, "the bad request waited in line");
        assertEquals(status, response.statusCode());
        assertTrue(response.body().contains(reason), response.body());
        assertEquals(response.body().length() - 1, response.body().indexOf('\n'), "one line: " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(0, queue.waiting());
    }

    @Test
    void other_methods_are_refused_at_once() throws Exception {
        var queue = new SingleFile(1);
        URI rng = start(5, 1, queue);
        client.sendAsync(request(rng.resolve("/32")), BodyHandlers.discarding());
        await(queue::full);
        var post = HttpRequest.newBuilder(rng.resolve("/32")).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = client.send(post, BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("rng only answers GET, not POST\n", response.body());
    }

    @Test
    void head_requests_wait_in_line_like_gets_because_httping_sends_them() throws Exception {
        URI rng = start(0.3, 1, new SingleFile(1));
        Instant start = Instant.now();
        var head = HttpRequest.newBuilder(rng).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        var first = client.sendAsync(request(rng.resolve("/1")), BodyHandlers.discarding());
        var second = client.sendAsync(head, BodyHandlers.discarding());
        assertEquals(200, first.join().statusCode());
        assertEquals(200, second.join().statusCode());
        assertTrue(Duration.between(start, Instant.now()).toMillis() >= 300);
    }

    @Test
    void logs_its_port_at_start_and_one_common_log_line_per_request() throws Exception {
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0"));
        rng.awaitLine(Pattern.compile("rng listening on port \\d+$"), Duration.ofSeconds(20));
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/32");
        assertEquals(200, get(uri).statusCode());
        rng.awaitLine(Pattern.compile("^127\\.0\\.0\\.1 - - \\[.+] \"GET /32 HTTP/1\\.1\" 200 -$"), Duration.ofSeconds(5));
    }

    @Test
    void with_ACCESS_LOG_off_it_answers_as_usual_but_logs_no_line_per_request() throws Exception {
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0", "ACCESS_LOG", "off", "SHUTDOWN_DRAIN", "0"));
        rng.awaitLine(Pattern.compile("rng listening on port \\d+$"), Duration.ofSeconds(20));
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        HttpResponse<byte[]> bytes = get(uri.resolve("/32"));
        assertEquals(200, bytes.statusCode());
        assertEquals(32, bytes.body().length);
        assertEquals(200, get(uri).statusCode());
        assertEquals(400, get(uri.resolve("/abc")).statusCode());
        Thread.sleep(300); // the line would be written just after the answer
        rng.process.destroy(); // SIGTERM: once it has exited, all its output has been read
        assertEquals(0, rng.awaitExit(Duration.ofSeconds(10)));
        assertEquals(List.of(), rng.lines.stream().filter(line -> line.contains("HTTP/1.1\"")).toList(), "access lines");
        assertEquals(1, rng.lines.stream().filter(line -> line.endsWith("rng listening on port " + uri.getPort())).count());
    }

    @Test
    void with_VERSION_COLOR_and_MESSAGE_the_banner_gets_a_second_line_for_rollout_labs() throws Exception {
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0", "VERSION", "v0.2", "COLOR", "#00f",
                "MESSAGE", "the canary"));
        String banner = new String(get(URI.create("http://127.0.0.1:" + rng.awaitPort() + "/")).body(), StandardCharsets.UTF_8);
        assertTrue(banner.matches("RNG running on \\S+\nversion v0\\.2, color #00f, the canary\n"), banner);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "COLOR           | not a colour | COLOR must be a CSS colour name or #rgb or #rrggbb, got \"not a colour\"",
            "VERSION         | v 2    | VERSION must be at most 40 characters, without spaces, got \"v 2\"",
            "ACCESS_LOG      | maybe  | ACCESS_LOG must be on or off (or yes/no, true/false), got \"maybe\"",
            "PORT            | eighty | PORT must be a port number from 0 to 65535, got \"eighty\"",
            "PORT            | 65536  | PORT must be a port number from 0 to 65535, got \"65536\"",
            "RNG_DELAY       | abc    | RNG_DELAY must be a number of seconds, got \"abc\"",
            "RNG_DELAY       | -1     | RNG_DELAY must be a number of seconds, got \"-1\"",
            "SHUTDOWN_DRAIN  | 3s     | SHUTDOWN_DRAIN must be a number of seconds, got \"3s\"",
            "RNG_CONCURRENCY | -1     | RNG_CONCURRENCY must be a whole number (0 = unlimited), got \"-1\"",
            "RNG_READY_MAX_QUEUE | 0  | RNG_READY_MAX_QUEUE must be a whole number of waiting requests, 1 or more, got \"0\"",
            "BIND_ADDRESS    | no.such.host.invalid | BIND_ADDRESS must be an IP address or a known host name, got \"no.such.host.invalid\"",
    })
    void a_malformed_setting_stops_start_up_with_one_line_naming_it(String name, String value, String message)
            throws Exception {
        var rng = run(Map.of(name, value));
        assertEquals(2, rng.awaitExit(Duration.ofSeconds(20)));
        assertEquals(List.of(message), rng.lines);
    }

    @Test
    void on_sigterm_readyz_answers_503_at_once_while_every_route_is_still_served_then_it_exits_0() throws Exception {
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0.1", "SHUTDOWN_DRAIN", "2"));
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/");
        assertEquals(200, get(uri.resolve("/readyz")).statusCode());
        rng.sigterm();
        rng.awaitLine(Pattern.compile("rng got SIGTERM: /readyz answers 503, still serving for 2 s"), Duration.ofSeconds(10));
        HttpResponse<byte[]> readyz = get(uri.resolve("/readyz"));
        assertEquals(503, readyz.statusCode());
        assertEquals("not ready: shutting down\n", new String(readyz.body(), StandardCharsets.UTF_8));
        assertEquals(200, get(uri).statusCode());
        assertEquals(32, get(uri.resolve("/32")).body().length);
        assertEquals(200, get(uri.resolve("/healthz")).statusCode());
        assertTrue(rng.process.isAlive(), "still serving during the drain");
        assertEquals(0, rng.awaitExit(Duration.ofSeconds(10)));
        rng.awaitLine(Pattern.compile("rng drained: stopped accepting, requests in flight finished in [0-9.]+ s$"), Duration.ofSeconds(1));
    }

    @Test
    void the_requests_waiting_in_line_at_sigterm_get_their_answers_before_it_exits() throws Exception {
        // 4 requests of 0.5 s in line: the last is answered 1.5 s after the 0.2 s drain has ended.
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "0.5", "SHUTDOWN_DRAIN", "0.2", "DEBUG", "y"));
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/32");
        List<CompletableFuture<HttpResponse<byte[]>>> inLine = new ArrayList<>();
        for (int i = 0; i < 4; i++) inLine.add(client.sendAsync(request(uri), BodyHandlers.ofByteArray()));
        await(() -> rng.lines.stream().filter(line -> line.contains("requests already waiting for rng")).count() == 4);
        rng.sigterm();
        for (var response : inLine) {
            assertEquals(200, response.join().statusCode());
            assertEquals(32, response.join().body().length);
        }
        assertEquals(0, rng.awaitExit(Duration.ofSeconds(10)));
        rng.awaitLine(Pattern.compile("rng drained: .* finished"), Duration.ofSeconds(1));
    }

    @Test
    void with_SHUTDOWN_DRAIN_0_it_stops_within_two_seconds_on_sigterm_even_with_clients_in_line() throws Exception {
        var rng = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "RNG_DELAY", "10", "DEBUG", "y", "SHUTDOWN_DRAIN", "0"));
        URI uri = URI.create("http://127.0.0.1:" + rng.awaitPort() + "/32");
        for (int i = 0; i < 3; i++) client.sendAsync(request(uri), BodyHandlers.discarding());
        await(() -> rng.lines.stream().filter(line -> line.contains("requests already waiting for rng")).count() == 3);
        Instant start = Instant.now();
        rng.process.destroy();
        assertEquals(0, rng.awaitExit(Duration.ofSeconds(10)));
        Duration stopped = Duration.between(start, Instant.now());
        assertTrue(stopped.toMillis() < 2000, "took " + stopped + " to stop");
    }

    @Test
    void a_port_below_1024_refused_stops_start_up_with_one_line_naming_the_cause_and_the_fixes() throws Exception {
        assumeTrue(Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).get(0).strip()) > 80,
                "this machine lets anyone bind port 80");
        // As root, take NET_BIND_SERVICE out of the bounding set: java then runs as an image built by Kaniko would.
        boolean root = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0");
        var rng = new ServiceProcess(root ? List.of("setpriv", "--bounding-set", "-net_bind_service") : List.of(),
                Rng.class, Map.of("PORT", "80", "BIND_ADDRESS", "127.0.0.1"), List.of());
        processes.add(rng);
        assertEquals(1, rng.awaitExit(Duration.ofSeconds(20)));
        assertEquals(1, rng.lines.size(), "one line: " + rng.lines);
        String line = rng.lines.get(0);
        assertTrue(line.startsWith("rng cannot listen on 127.0.0.1:80: Permission denied: "), line);
        for (String fix : List.of("NET_BIND_SERVICE", "Kaniko", "set PORT to 1024 or above", "net.ipv4.ip_unprivileged_port_start")) {
            assertTrue(line.contains(fix), fix + " in " + line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/32", "/0", "/abc", "/healthz", "/readyz"})
    void head_answers_carry_the_content_length_that_get_sends(String path) throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        HttpResponse<byte[]> got = get(rng.resolve(path));
        var head = client.send(HttpRequest.newBuilder(rng.resolve(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.ofByteArray());
        assertEquals(got.statusCode(), head.statusCode());
        assertEquals(String.valueOf(got.body().length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);
    }

    @ParameterizedTest
    @CsvSource({"GET /,200 OK", "GET /abc,400 Bad Request", "GET /1/2,404 Not Found", "POST /,405 Method Not Allowed"})
    void status_lines_carry_the_reason_phrase_of_their_code(String request, String statusLine) throws Exception {
        URI rng = start(0, 1, new SingleFile(1));
        try (var socket = new Socket("127.0.0.1", rng.getPort())) {
            socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("HTTP/1.1 " + statusLine, answer.lines().findFirst().orElseThrow());
        }
    }

    private URI start(double delaySeconds, int concurrency, SingleFile queue) throws IOException {
        var settings = new Rng.Settings(0, "127.0.0.1", Duration.ofMillis((long) (delaySeconds * 1000)), concurrency,
                10, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "rng-1");
        HttpServer server = Rng.start(settings, queue, new RngMetrics(), new Chaos("rng", Chaos.Faults.NONE));
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private ServiceProcess run(Map<String, String> env) {
        var process = new ServiceProcess(Rng.class, env);
        processes.add(process);
        return process;
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        return client.send(request(uri), BodyHandlers.ofByteArray());
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
