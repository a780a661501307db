package dockercoins.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

class WebUiTest {
    @TempDir
    static Path tmp;
    static Path files;
    static TestRedis redisServer;
    static RedisClient webuiRedis;
    static HttpServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(tmp.resolve("secret.txt"), "outside FILES_DIR");
        redisServer = new TestRedis();
        webuiRedis = WebUi.redisClient(redisServer.url()); // main's client, with its pool settings
        server = WebUi.start(new WebUi.Settings(0, "127.0.0.1", redisServer.url(), files, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "webui-1"), webuiRedis);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        webuiRedis.close();
        redisServer.close();
    }

    @BeforeEach
    void emptyRedis() {
        redisServer.call(Jedis::flushAll);
    }

    @Test
    void root_redirects_to_the_page() throws Exception {
        var response = get("/");
        assertEquals(303, response.statusCode());
        assertEquals("/index.html", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void json_gives_zero_coins_and_null_hashes_before_any_work_as_the_original() throws Exception {
        var response = get("/json");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        var matcher = Pattern.compile("\\{\"coins\":0,\"hashes\":null,\"now\":(\\d+\\.\\d+)}").matcher(response.body());
        assertTrue(matcher.matches(), response.body());
        double now = Double.parseDouble(matcher.group(1));
        assertTrue(Math.abs(now - System.currentTimeMillis() / 1000.0) < 5, "now is unix seconds: " + now);
    }

    @Test
    void json_adds_version_color_and_message_after_the_originals_keys_only_when_they_are_set() throws Exception {
        var settings = new WebUi.Settings(0, "127.0.0.1", redisServer.url(), files, Duration.ZERO, true, false, Chaos.Settings.OFF,
                new Env.Version("v0.2", "blue", "say \"hi\""), "webui-1");
        HttpServer versioned = WebUi.start(settings, webuiRedis);
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + versioned.getAddress().getPort() + "/json")).build();
            String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.matches("\\{\"coins\":\\d+,\"hashes\":[^,]+,\"now\":[0-9.]+,\"version\":\"v0.2\",\"color\":\"blue\",\"message\":\"say \\\\\"hi\\\\\"\"}"), body);
        } finally {
            versioned.stop(0);
        }
        assertTrue(get("/json").body().matches("\\{\"coins\":\\d+,\"hashes\":[^,]+,\"now\":[0-9.]+}"), "no version keys by default");
    }

    @Test
    void json_counts_coins_in_the_wallet_and_gives_the_hashes_counter_as_a_string_as_the_original() throws Exception {
        redisServer.call(jedis -> {
            jedis.incrBy("hashes", 42);
            jedis.incrBy("hashes", 100);
            return jedis.hset("wallet", Map.of("0abc", "bytes1", "0def", "bytes2", "0123", "bytes3"));
        });
        var body = get("/json").body();
        assertTrue(body.matches("\\{\"coins\":3,\"hashes\":\"142\",\"now\":\\d+\\.\\d+}"), body);
    }

    @Test
    void json_answers_503_with_a_json_error_while_redis_is_down_and_recovers_when_it_is_back() throws Exception {
        redisServer.stop();
        try {
            var response = get("/json");
            assertEquals(503, response.statusCode());
            assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(response.body().matches("\\{\"error\": \"redis unavailable: [^\"\\\\]*\"}"), response.body());
        } finally {
            redisServer.start();
        }
        redisServer.call(jedis -> jedis.incrBy("hashes", 7));
        Instant deadline = Instant.now().plusSeconds(10);
        HttpResponse<String> response = get("/json");
        while (response.statusCode() != 200 && Instant.now().isBefore(deadline)) {
            TestRedis.sleep(Duration.ofMillis(100));
            response = get("/json");
        }
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"hashes\":\"7\","), response.body());
    }

    @Test
    void json_answers_the_very_first_request_after_a_redis_restart_with_the_kept_counts() throws Exception {
        redisServer.call(jedis -> {
            jedis.incrBy("hashes", 105);
            return jedis.hset("wallet", Map.of("0abc", "bytes1", "0def", "bytes2"));
        });
        assertEquals(200, get("/json").statusCode()); // leaves a connection in webui's pool
        redisServer.stopSaving(); // as docker compose restart redis: saved at shutdown, loaded at start
        redisServer.start();

        var response = get("/json");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().matches("\\{\"coins\":2,\"hashes\":\"105\",\"now\":\\d+\\.\\d+}"), response.body());
    }

    @Test
    void json_answers_500_with_a_json_error_when_hashes_is_not_a_number() throws Exception {
        redisServer.call(jedis -> jedis.set("hashes", "lots"));
        var response = get("/json");
        assertEquals(500, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"error\": \"the Redis key hashes is not a whole number\"}", response.body());
    }

    @Test
    void serves_files_from_files_dir_and_a_changed_file_live() throws Exception {
        Files.writeString(files.resolve("page.html"), "<p>one</p>");
        assertEquals("<p>one</p>", get("/page.html").body());
        Files.writeString(files.resolve("page.html"), "<p>two</p>");
        var response = get("/page.html");
        assertEquals(200, response.statusCode());
        assertEquals("<p>two</p>", response.body());
        assertEquals(404, get("/missing.html").statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
            "/sub/../../secret.txt", "/..%5csecret.txt", "/%2e%2e%5csecret.txt"})
    void paths_outside_files_dir_are_not_found(String path) throws IOException {
        // A raw request line: an HTTP client library would normalise the dots away.
        try (var socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 404 "), response);
            assertTrue(!response.contains("outside FILES_DIR"), response);
        }
    }

    @Test
    void the_process_logs_its_port_and_each_request_and_with_SHUTDOWN_DRAIN_0_stops_quickly_on_sigterm() throws Exception {
        int port = TestRedis.freePort();
        Process process = webui(Map.of("PORT", String.valueOf(port), "REDIS_URL", redisServer.url().toString(),
                "FILES_DIR", files.toString(), "SHUTDOWN_DRAIN", "0"));
        try {
            var out = lines(process);
            List<String> lines = new ArrayList<>();
            assertTrue(readUntil(out, lines, "WEBUI running on port " + port), String.join("\n", lines));
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(readUntil(out, lines, "\"GET /json HTTP/1.1\" 200 -"), String.join("\n", lines));
            String accessLine = lines.getLast();
            assertTrue(accessLine.matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /json HTTP/1\\.1\" 200 -"), accessLine);

            long start = System.nanoTime();
            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(5, TimeUnit.SECONDS));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 2000, "stopped in " + millis + " ms");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void on_sigterm_readyz_answers_503_at_once_while_the_page_and_json_are_still_served_then_it_exits_0() throws Exception {
        int port = TestRedis.freePort();
        Process process = webui(Map.of("PORT", String.valueOf(port), "REDIS_URL", redisServer.url().toString(),
                "FILES_DIR", files.toString(), "SHUTDOWN_DRAIN", "1"));
        try {
            var out = lines(process);
            List<String> lines = new ArrayList<>();
            assertTrue(readUntil(out, lines, "WEBUI running on port " + port), String.join("\n", lines));
            assertEquals(200, getFrom(port, "/readyz").statusCode());
            process.toHandle().destroy(); // SIGTERM (Process.destroy() would also close our end of its output)
            assertTrue(readUntil(out, lines, "webui got SIGTERM: /readyz answers 503, still serving for 1 s"), String.join("\n", lines));
            var readyz = getFrom(port, "/readyz");
            assertEquals(503, readyz.statusCode());
            assertEquals("not ready: shutting down\n", readyz.body());
            assertEquals(303, getFrom(port, "/").statusCode());
            assertEquals(200, getFrom(port, "/json").statusCode());
            assertTrue(process.isAlive(), "still serving during the drain");
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
            assertTrue(readUntil(out, lines, "webui drained: stopped accepting, requests in flight finished"), String.join("\n", lines));
        } finally {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/json", "/healthz", "/readyz", "/missing.html", "/page.html"})
    void head_answers_carry_the_content_length_that_get_sends(String path) throws Exception {
        Files.writeString(files.resolve("page.html"), "<p>a page</p>");
        var got = get(path);
        var head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(got.statusCode(), head.statusCode());
        assertEquals(String.valueOf(got.body().getBytes(StandardCharsets.UTF_8).length),
                head.headers().firstValue("Content-Length").orElseThrow(), path);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"GET / | 303 See Other", "GET /json | 200 OK", "GET /missing.html | 404 Not Found",
            "POST /json | 405 Method Not Allowed"})
    void status_lines_carry_the_reason_phrase_of_their_code(String request, String statusLine) throws Exception {
        try (var socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
            socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            var answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 " + statusLine, answer.readLine());
        }
    }

    @Test
    void with_ACCESS_LOG_off_the_process_answers_as_usual_but_logs_no_line_per_request() throws Exception {
        int port = TestRedis.freePort();
        Process process = webui(Map.of("PORT", String.valueOf(port), "REDIS_URL", redisServer.url().toString(),
                "FILES_DIR", files.toString(), "ACCESS_LOG", "off", "SHUTDOWN_DRAIN", "0"));
        try {
            var out = lines(process);
            List<String> lines = new ArrayList<>();
            assertTrue(readUntil(out, lines, "WEBUI running on port " + port), String.join("\n", lines));
            for (String path : List.of("/json", "/", "/missing.html")) {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(path.equals("/json") ? 200 : path.equals("/") ? 303 : 404, response.statusCode(), path);
            }
            Thread.sleep(300); // the line would be written just after the answer
            process.destroy(); // SIGTERM: once it has exited, the rest of its output comes, then nothing
            assertTrue(process.waitFor(5, TimeUnit.SECONDS));
            for (String line; (line = out.poll(1, TimeUnit.SECONDS)) != null; ) lines.add(line);
            assertEquals(List.of(), lines.stream().filter(line -> line.contains("HTTP/1.1\"")).toList(), "access lines");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void head_requests_get_the_headers_without_a_warning_on_stderr() throws Exception {
        int port = TestRedis.freePort();
        Process process = webui(Map.of("PORT", String.valueOf(port), "REDIS_URL", redisServer.url().toString(),
                "FILES_DIR", files.toString()));
        try {
            List<String> lines = new ArrayList<>();
            assertTrue(readUntil(lines(process), lines, "WEBUI running on port " + port), String.join("\n", lines));
            for (String path : List.of("/json", "/healthz", "/readyz")) {
                var head = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
                assertEquals(200, http.send(head, HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            }
            // The JDK writes its warning before it sends the answer: by now it would be in the pipe.
            assertEquals(0, process.getErrorStream().available(), "nothing on stderr");
        } finally {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PORT|abc|PORT must be a port number from 0 to 65535, got \"abc\"",
            "PORT|70000|PORT must be a port number from 0 to 65535, got \"70000\"",
            "REDIS_URL|http://redis:6379|REDIS_URL must look like redis://[:password@]host[:port][/db], got \"http://redis:6379\"",
            "REDIS_URL|redis://redis:port|REDIS_URL must look like redis://[:password@]host[:port][/db], got \"redis://redis:port\"",
            "FILES_DIR|/no/such/dir|FILES_DIR must be a directory, got \"/no/such/dir\"",
            "ACCESS_LOG|none|ACCESS_LOG must be on or off (or yes/no, true/false), got \"none\"",
            "SHUTDOWN_DRAIN|soon|SHUTDOWN_DRAIN must be a number of seconds, got \"soon\"",
    })
    void a_malformed_setting_stops_start_up_with_one_line_naming_it(String name, String value, String message) throws Exception {
        var env = new java.util.HashMap<>(Map.of("PORT", "0", "REDIS_URL", "redis://127.0.0.1:1", "FILES_DIR", files.toString()));
        env.put(name, value);
        Process process = webui(env);
        try {
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue());
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(message + "\n", stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void a_taken_port_stops_start_up_with_one_line() throws Exception {
        Process process = webui(Map.of("PORT", String.valueOf(server.getAddress().getPort()),
                "REDIS_URL", redisServer.url().toString(), "FILES_DIR", files.toString()));
        try {
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(1, process.exitValue());
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(stderr.matches("webui cannot listen on .*:" + server.getAddress().getPort() + ": .+\n"), stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    static Process webui(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), WebUi.class.getName());
        builder.environment().remove("ACCESS_LOG"); // on unless a test says otherwise
        builder.environment().put("BIND_ADDRESS", "127.0.0.1");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The process's stdout, line by line, read by a thread so that waiting for a line can time out. */
    static BlockingQueue<String> lines(Process process) {
        var queue = new LinkedBlockingQueue<String>();
        Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .lines().forEach(queue::add));
        return queue;
    }

    static boolean readUntil(BlockingQueue<String> out, List<String> lines, String text) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            String line = out.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) return false;
            lines.add(line);
            if (line.contains(text)) return true;
        }
        return false;
    }

    static HttpResponse<String> getFrom(int port, String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
