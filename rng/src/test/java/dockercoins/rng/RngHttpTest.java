package dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * rng over raw sockets, as a careless or hostile client talks to it: HTTP/1.1 manners
 * ({@code Connection: close} answered in kind) and a seeded, bounded fuzz of every route.
 * The seed is printed; {@code -Dfuzz.seed=N} replays one run.
 */
class RngHttpTest {
    static final int REQUESTS = 2000;
    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final long HEAP_BOUND = 128 * 1024 * 1024; // the heap in use after a GC, test JVM included

    static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        // No delay: the valid requests still wait in rng's line, one at a time, but only briefly.
        server = Rng.start(new Rng.Settings(0, "127.0.0.1", Duration.ZERO, 1, 10, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "rng-1"));
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/32", "/abc", "/32/x", "/healthz", "/readyz", "/metrics"})
    void a_request_saying_connection_close_gets_an_answer_saying_it_then_the_close(String path) throws IOException {
        var fuzz = new Fuzz(port(), 0, List.of("/"), List.of("GET / HTTP/1.1\r\n\r\n"));
        String answer = fuzz.send(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5));
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
        assertTrue(head.startsWith("HTTP/1.1 "), answer);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close"), head);
    }

    @Test
    void a_request_without_connection_close_keeps_the_connection_open_and_is_not_told_to_close() throws IOException {
        try (var socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5_000);
            var in = socket.getInputStream();
            for (int i = 0; i < 2; i++) { // the second request goes over the same connection
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                var head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) head.append((char) in.read());
                assertTrue(head.toString().startsWith("HTTP/1.1 200 "), head.toString());
                assertTrue(!head.toString().toLowerCase(Locale.ROOT).contains("connection: close"), head.toString());
                int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *([0-9]+).*", "$1"));
                in.readNBytes(length);
            }
        }
    }

    @Test
    void fuzzed_requests_get_a_4xx_or_a_clean_close_never_a_5xx_and_the_server_lives_on() throws Exception {
        long seed = Long.getLong("fuzz.seed", 11); // fixed, so a run can be repeated; another seed explores more
        System.out.println("rng fuzz: seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        var fuzz = new Fuzz(port(), seed, List.of("/", "/32", "/0", "/healthz", "/readyz", "/metrics"), List.of("GET /32 HTTP/1.1\r\nHost: localhost\r\n\r\n", "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET /healthz HTTP/1.1\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        Instant deadline = Instant.now().plus(DEADLINE);

        List<Socket> idle = fuzz.idle(20);
        try (var slow = Executors.newVirtualThreadPerTaskExecutor()) {
            var trickled = new ArrayList<Future<String>>();
            for (int i = 0; i < 4; i++) {
                trickled.add(slow.submit(() -> fuzz.trickle("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                        Duration.ofMillis(20))));
            }
            int sent = fuzz.run(REQUESTS, deadline);
            for (var answer : trickled) assertTrue(answer.get().startsWith("HTTP/1.1 200 "), answer.get());
            System.out.println("rng fuzz: " + sent + " requests: " + fuzz.outcomes + "; 4 slow clients answered 200; 20 idle clients held");
            assertEquals(List.of(), fuzz.problems, "5xx answers, or valid requests not answered");
            assertTrue(sent >= 200, "only " + sent + " requests before the deadline");
        } finally {
            for (Socket socket : idle) socket.close();
        }
        String banner = fuzz.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
        assertTrue(banner.matches("(?s)HTTP/1\\.1 (200|302) .*"), "the server still answers GET /: " + Fuzz.shorten(banner));
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("rng fuzz: heap in use after a GC " + heap / (1024 * 1024) + " MB");
        assertTrue(heap < HEAP_BOUND, "heap in use after the fuzz: " + heap);
    }

    static int port() {
        return server.getAddress().getPort();
    }

    /**
     * A seeded, bounded HTTP fuzzer over raw sockets: random methods, paths, headers and bodies,
     * truncated and oversized requests, then slow and idle clients. The same code in rng, hasher
     * and webui; only the routes differ.
     */
    static final class Fuzz {
        /** What came back: a status class ("2xx" ...), or "closed" when the server closed without an answer. */
        final Map<String, Integer> outcomes = new TreeMap<>();
        /** Every 5xx (but the JDK's 501 below) and every valid request not answered 2xx or 3xx. */
        final List<String> problems = new ArrayList<>();
        private final int port;
        private final Random random;
        private final List<String> routes;
        private final List<String> valid; // whole requests that must be answered 2xx or 3xx

        Fuzz(int port, long seed, List<String> routes, List<String> valid) {
            this.port = port;
            this.random = new Random(seed);
            this.routes = routes;
            this.valid = valid;
        }

        /** Sends requests until count or the deadline; every tenth one is valid (rng serves those one at a time). */
        int run(int count, Instant deadline) throws IOException {
            int sent = 0;
            for (; sent < count && Instant.now().isBefore(deadline); sent++) {
                boolean isValid = random.nextInt(10) == 0;
                String request = isValid ? valid.get(random.nextInt(valid.size())) : randomRequest();
                String answer = send(request.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(5));
                String outcome = outcome(answer);
                if (isValid && !outcome.equals("2xx") && !outcome.equals("3xx")) {
                    problems.add("a valid request got " + outcome + ": " + shorten(request) + " -> " + shorten(answer));
                }
                if (outcome.equals("5xx") && !jdkRefusesTheTransferCoding(request, answer)) {
                    problems.add(shorten(request) + " -> " + shorten(answer));
                }
                outcomes.merge(jdkRefusesTheTransferCoding(request, answer) ? "501 (JDK: unknown Transfer-Encoding)" : outcome, 1, Integer::sum);
            }
            return sent;
        }

        /** A valid request sent one byte at a time, with pauses: answered like any other, or closed. */
        String trickle(String request, Duration pause) throws IOException {
            try (var socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                for (byte b : request.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                    TestPause.sleep(pause);
                }
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        }

        /** Connections that send nothing: they must not keep the server from answering others. */
        List<Socket> idle(int count) throws IOException {
            var sockets = new ArrayList<Socket>();
            for (int i = 0; i < count; i++) sockets.add(new Socket("127.0.0.1", port));
            return sockets;
        }

        /** Sends the bytes, says it has no more (half-close), and reads until the server closes. */
        String send(byte[] request, Duration timeout) throws IOException {
            try (var socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout((int) timeout.toMillis());
                try {
                    socket.getOutputStream().write(request);
                    socket.shutdownOutput();
                } catch (IOException resetWhileSending) {
                    // the server answered (413, 400) and closed before reading it all: read what it said
                }
                var answer = new java.io.ByteArrayOutputStream();
                try (var in = socket.getInputStream()) {
                    in.transferTo(answer);
                } catch (IOException resetOrTimeout) {
                    // a reset after the answer, or no answer in time: keep what came
                }
                return answer.toString(StandardCharsets.ISO_8859_1);
            }
        }

        /** The class of the final answer: a 100 Continue is only the interim one. */
        static String outcome(String answer) {
            while (answer.startsWith("HTTP/1.1 100 ") && answer.contains("\r\n\r\n")) {
                answer = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            }
            if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) return "closed";
            return answer.charAt(9) + "xx";
        }

        /** RFC 9112 6.1: a transfer coding the server does not know gets 501; the JDK answers it before any handler. */
        static boolean jdkRefusesTheTransferCoding(String request, String answer) {
            return answer.startsWith("HTTP/1.1 501 ") && request.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding:");
        }

        static String shorten(String text) {
            String flat = text.replace("\r", "\\r").replace("\n", "\\n");
            return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
        }

        private String randomRequest() {
            String method = pick("GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
                    "get", "G\u00c9T", "X".repeat(1 + random.nextInt(3000)), "", "GET /");
            String path = randomPath();
            String version = pick("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9", "http/1.1", "", "HTTP/1.1 extra");
            var request = new StringBuilder(method).append(' ').append(path).append(' ').append(version).append("\r\n");
            if (random.nextInt(5) > 0) request.append("Host: localhost\r\n");
            int headers = random.nextInt(4);
            for (int i = 0; i < headers; i++) request.append(randomHeader());
            String body = "";
            switch (random.nextInt(9)) {
                case 0 -> request.append("Content-Length: ").append(pick("-1", "abc", "99999999999999999999", "1e3", " 5", "5, 5", "0x10", "")).append("\r\n");
                case 1 -> {
                    body = "x".repeat(random.nextInt(2000));
                    request.append("Content-Length: ").append(body.length()).append("\r\n");
                }
                case 2 -> { // promises more than it sends: a truncated body
                    body = "x".repeat(random.nextInt(100));
                    request.append("Content-Length: ").append(body.length() + 1 + random.nextInt(5000)).append("\r\n");
                }
                case 3 -> {
                    request.append("Transfer-Encoding: chunked\r\n");
                    body = pick("5\r\nhello\r\n0\r\n\r\n", "zz\r\nhello\r\n0\r\n\r\n", "-1\r\nx\r\n", "ffffffffffffffffffff\r\nx\r\n",
                            "5\r\nhel", "3\r\nhello\r\n0\r\n\r\n", "0\r\n\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n");
                }
                case 4 -> request.append("Transfer-Encoding: ").append(pick("gzip", "chunked, gzip", "identity", "chunked\r\nTransfer-Encoding: chunked")).append("\r\n");
                case 5 -> { // a large body: hasher's 413, a drained or refused body elsewhere
                    body = "y".repeat(1024 * 1024 + random.nextInt(1024 * 1024));
                    request.append("Content-Length: ").append(body.length()).append("\r\n");
                }
                case 6 -> request.append("Content-Length: 3\r\nContent-Length: 4\r\n");
                default -> { }
            }
            if (random.nextInt(4) == 0) request.append("Connection: ").append(pick("close", "keep-alive", "Close", "upgrade, close", "\u00ff")).append("\r\n");
            request.append(random.nextInt(20) == 0 ? "" : "\r\n").append(body);
            String whole = request.toString();
            // Now and then cut the request anywhere: a client that went away mid-request.
            return random.nextInt(8) == 0 ? whole.substring(0, random.nextInt(whole.length() + 1)) : whole;
        }

        private String randomPath() {
            String route = routes.get(random.nextInt(routes.size()));
            return switch (random.nextInt(16)) {
                case 0 -> route;
                case 1 -> route + "?" + pick("x=1", "%", "%zz", "a=" + "b".repeat(5000), "\u00e9");
                case 2 -> "/" + pick("-0", "00000000000000000000032", "99999999999999999999999999", "2147483648", "-2147483649", "1e3", "0x20", "+32", "32.0", " 32");
                case 3 -> "/" + pick("%00", "%zz", "%", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc%2fpasswd", "%C3%BC", "%FF%FE", "%E2%80%AE", "%2F32");
                case 4 -> "/" + pick("\u00fc", "\u65e5\u672c", "\ud83d\ude00", "caf\u00e9", "\u0000", "\t", "a b");
                case 5 -> "/" + "9".repeat(1 + random.nextInt(20_000));
                case 6 -> pick("*", "", "http://localhost/", "//", "///32", "/./", "/../", "\\", "/\\..\\", "?", "#", "/#x");
                case 7 -> route + "/" + pick("x", "..", ".", "%2e%2e", "32");
                case 8 -> "/" + randomBytes(1 + random.nextInt(50));
                default -> route;
            };
        }

        private String randomHeader() {
            return switch (random.nextInt(10)) {
                case 0 -> "X-Big: " + "h".repeat(random.nextInt(600 * 1024)) + "\r\n"; // past the JDK's 380 KiB limit now and then
                case 1 -> "Host: localhost\r\nHost: other\r\n";
                case 2 -> "NoColonHere\r\n";
                case 3 -> " Leading: space\r\n";
                case 4 -> "Bad Name: x\r\n";
                case 5 -> "X-Ctl: a\u0000b\u0007c\r\n";
                case 6 -> "X-Utf8: \u00e9\u00e8\r\n";
                case 7 -> "X-Many: 1\r\n".repeat(random.nextInt(400)); // past the JDK's 200 headers now and then
                case 8 -> "Expect: 100-continue\r\n";
                default -> "Accept: */*\r\n";
            };
        }

        private String randomBytes(int n) {
            var text = new StringBuilder();
            for (int i = 0; i < n; i++) text.append((char) random.nextInt(256));
            return text.toString();
        }

        @SafeVarargs
        private <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }
    }

    /** Sleeps, rethrowing an interrupt as an error: the tests have nothing to clean up. */
    static final class TestPause {
        static void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
