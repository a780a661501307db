package dockercoins.hasher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HasherTest {
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
    @CsvSource(delimiter = '|', value = {
            "''    | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "hello | 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    })
    void answers_the_lower_case_hex_sha256_of_the_body(String body, String digest) throws Exception {
        URI hasher = start(0);
        HttpResponse<String> response = post(hasher, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode());
        assertEquals(digest, response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void hashes_a_body_of_exactly_one_mebibyte() throws Exception {
        URI hasher = start(0);
        HttpResponse<String> response = post(hasher, new byte[Hasher.MAX_BODY]);
        assertEquals("30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58", response.body());
    }

    @Test
    void fifty_parallel_posts_finish_in_well_under_a_second() throws Exception {
        URI hasher = start(0.1);
        post(hasher, new byte[32]); // warm up the client
        Instant start = Instant.now();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(client.sendAsync(postRequest(hasher, new byte[32]), BodyHandlers.ofString()));
        }
        responses.forEach(response -> assertEquals(200, response.join().statusCode()));
        Duration elapsed = Duration.between(start, Instant.now());
        assertTrue(elapsed.toMillis() >= 100, "answered before the 0.1 s delay: " + elapsed);
        assertTrue(elapsed.toMillis() < 1000, "50 parallel POSTs took " + elapsed);
    }

    @Test
    void the_banner_names_the_host_and_comes_at_once_while_posts_are_delayed() throws Exception {
        URI hasher = start(2);
        for (int i = 0; i < 5; i++) client.sendAsync(postRequest(hasher, new byte[32]), BodyHandlers.discarding());
        Instant start = Instant.now();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(hasher).build(), BodyHandlers.ofString());
        Duration elapsed = Duration.between(start, Instant.now());
        String hostname = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
        assertEquals("HASHER running on " + hostname + "\n", response.body());
        assertTrue(elapsed.toMillis() < 1000, "GET / took " + elapsed);
    }

    @Test
    void a_declared_length_over_one_mebibyte_gets_413_before_any_body_is_sent() throws Exception {
        URI hasher = start(0);
        try (var socket = new Socket(hasher.getHost(), hasher.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: hasher\r\nContent-Length: " + (Hasher.MAX_BODY + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("HTTP/1.1 413 "));
            while (!in.readLine().isEmpty()) continue; // headers
            assertEquals("the body is larger than the limit of 1048576 bytes (1 MiB)", in.readLine());
        }
    }

    @Test
    void a_body_of_one_mebibyte_and_one_byte_gets_413() throws Exception {
        URI hasher = start(0);
        assertEquals(413, post(hasher, new byte[Hasher.MAX_BODY + 1]).statusCode());
        assertEquals(200, post(hasher, new byte[32]).statusCode());
    }

    @Test
    void a_chunked_body_over_one_mebibyte_gets_413() throws Exception {
        URI hasher = start(0);
        var chunked = HttpRequest.newBuilder(hasher)
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[Hasher.MAX_BODY + 1]))).build();
        HttpResponse<String> response = client.send(chunked, BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("the body is larger than the limit of 1048576 bytes (1 MiB)\n", response.body());
        assertEquals(200, post(hasher, new byte[32]).statusCode());
    }

    @Test
    void unknown_paths_and_methods_are_refused() throws Exception {
        URI hasher = start(0);
        assertEquals(404, post(hasher.resolve("/sha256"), new byte[1]).statusCode());
        var put = HttpRequest.newBuilder(hasher).PUT(BodyPublishers.ofString("x")).build();
        HttpResponse<String> response = client.send(put, BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD, POST", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void logs_its_port_at_start_and_one_common_log_line_per_request() throws Exception {
        var hasher = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "0"));
        hasher.awaitLine(Pattern.compile("hasher listening on port \\d+$"), Duration.ofSeconds(20));
        URI uri = URI.create("http://127.0.0.1:" + hasher.awaitPort() + "/");
        assertEquals(200, post(uri, new byte[32]).statusCode());
        hasher.awaitLine(Pattern.compile("^127\\.0\\.0\\.1 - - \\[.+] \"POST / HTTP/1\\.1\" 200 -$"), Duration.ofSeconds(5));
    }

    @Test
    void with_ACCESS_LOG_off_it_answers_as_usual_but_logs_no_line_per_request() throws Exception {
        var hasher = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "0", "ACCESS_LOG", "off", "SHUTDOWN_DRAIN", "0"));
        hasher.awaitLine(Pattern.compile("hasher listening on port \\d+$"), Duration.ofSeconds(20));
        URI uri = URI.create("http://127.0.0.1:" + hasher.awaitPort() + "/");
        HttpResponse<String> hash = post(uri, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, hash.statusCode());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", hash.body());
        assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).statusCode());
        Thread.sleep(300); // the line would be written just after the answer
        hasher.process.destroy(); // SIGTERM: once it has exited, all its output has been read
        assertEquals(0, hasher.awaitExit(Duration.ofSeconds(10)));
        assertEquals(List.of(), hasher.lines.stream().filter(line -> line.contains("HTTP/1.1\"")).toList(), "access lines");
        assertEquals(1, hasher.lines.stream().filter(line -> line.endsWith("hasher listening on port " + uri.getPort())).count());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ACCESS_LOG   | 0   | ACCESS_LOG must be on or off (or yes/no, true/false), got \"0\"",
            "PORT         | 80a | PORT must be a port number from 0 to 65535, got \"80a\"",
            "HASHER_DELAY | 1s  | HASHER_DELAY must be a number of seconds, got \"1s\"",
            "SHUTDOWN_DRAIN | -3 | SHUTDOWN_DRAIN must be a number of seconds, got \"-3\"",
            "BIND_ADDRESS | no.such.host.invalid | BIND_ADDRESS must be an IP address or a known host name, got \"no.such.host.invalid\"",
    })
    void a_malformed_setting_stops_start_up_with_one_line_naming_it(String name, String value, String message)
            throws Exception {
        var hasher = run(Map.of(name, value));
        assertEquals(2, hasher.awaitExit(Duration.ofSeconds(20)));
        assertEquals(List.of(message), hasher.lines);
    }

    @Test
    void on_sigterm_readyz_answers_503_at_once_the_banner_is_still_served_and_a_post_in_flight_gets_its_hash() throws Exception {
        var hasher = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "1", "SHUTDOWN_DRAIN", "0.5"));
        URI uri = URI.create("http://127.0.0.1:" + hasher.awaitPort() + "/");
        assertEquals(200, client.send(HttpRequest.newBuilder(uri.resolve("/readyz")).build(), BodyHandlers.ofString()).statusCode());
        var inFlight = client.sendAsync(postRequest(uri, "hello".getBytes(StandardCharsets.UTF_8)), BodyHandlers.ofString());
        // Sent before SIGTERM, the POST's 1 s delay ends after the 0.5 s drain: it is in flight when the server stops accepting.
        hasher.sigterm();
        hasher.awaitLine(Pattern.compile("hasher got SIGTERM: /readyz answers 503, still serving for 0.5 s"), Duration.ofSeconds(10));
        HttpResponse<String> readyz = client.send(HttpRequest.newBuilder(uri.resolve("/readyz")).build(), BodyHandlers.ofString());
        assertEquals(503, readyz.statusCode());
        assertEquals("not ready: shutting down\n", readyz.body());
        assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).statusCode());
        HttpResponse<String> hash = inFlight.join();
        assertEquals(200, hash.statusCode());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", hash.body());
        assertEquals(0, hasher.awaitExit(Duration.ofSeconds(10)));
        hasher.awaitLine(Pattern.compile("hasher drained: stopped accepting, requests in flight finished in [0-9.]+ s$"), Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @CsvSource({"GET /", "GET /healthz", "GET /readyz", "GET /nope", "PUT /"})
    void head_answers_carry_the_content_length_that_get_sends(String request) throws Exception {
        URI hasher = start(0);
        URI uri = hasher.resolve(request.split(" ")[1]);
        var got = client.send(HttpRequest.newBuilder(uri).method(request.split(" ")[0], BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        var head = client.send(HttpRequest.newBuilder(uri).method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        if (request.startsWith("GET")) assertEquals(got.statusCode(), head.statusCode());
        if (request.startsWith("GET")) assertEquals(String.valueOf(got.body().length()), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("", head.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"GET / | 200 OK", "GET /x | 404 Not Found", "PUT / | 405 Method Not Allowed",
            "POST / | 413 Request Entity Too Large"})
    void status_lines_carry_the_reason_phrase_of_their_code(String request, String statusLine) throws Exception {
        URI hasher = start(0);
        String length = request.startsWith("POST") ? String.valueOf(Hasher.MAX_BODY + 1) : "0";
        try (var socket = new Socket("127.0.0.1", hasher.getPort())) {
            socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 " + statusLine, answer.readLine());
        }
    }

    @Test
    void with_SHUTDOWN_DRAIN_0_it_stops_within_two_seconds_on_sigterm_even_with_requests_in_flight() throws Exception {
        var hasher = run(Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "10", "SHUTDOWN_DRAIN", "0"));
        URI uri = URI.create("http://127.0.0.1:" + hasher.awaitPort() + "/");
        assertEquals(200, client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).statusCode());
        for (int i = 0; i < 3; i++) client.sendAsync(postRequest(uri, new byte[32]), BodyHandlers.discarding());
        Instant start = Instant.now();
        hasher.process.destroy();
        assertEquals(0, hasher.awaitExit(Duration.ofSeconds(10)));
        Duration stopped = Duration.between(start, Instant.now());
        assertTrue(stopped.toMillis() < 2000, "took " + stopped + " to stop");
    }

    private URI start(double delaySeconds) throws IOException {
        var settings = new Hasher.Settings(0, "127.0.0.1", Duration.ofMillis((long) (delaySeconds * 1000)), Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "hasher-1");
        HttpServer server = Hasher.start(settings);
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private ServiceProcess run(Map<String, String> env) {
        var process = new ServiceProcess(Hasher.class, env);
        processes.add(process);
        return process;
    }

    private static HttpRequest postRequest(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(body)).build();
    }

    private static HttpResponse<String> post(URI uri, byte[] body) throws IOException, InterruptedException {
        return client.send(postRequest(uri, body), BodyHandlers.ofString());
    }
}
