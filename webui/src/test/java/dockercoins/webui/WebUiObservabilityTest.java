package dockercoins.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** webui's /metrics, /healthz and /readyz against a real redis-server. */
class WebUiObservabilityTest {
    @TempDir
    static Path tmp;
    static TestRedis redisServer;
    static RedisClient webuiRedis;
    static HttpServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        redisServer = new TestRedis();
        webuiRedis = RedisClient.create(redisServer.url());
        Path files = Files.createDirectories(tmp.resolve("files"));
        server = WebUi.start(new WebUi.Settings(0, "127.0.0.1", redisServer.url(), files, Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "webui-1"), webuiRedis);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        webuiRedis.close();
        redisServer.close();
    }

    @Test
    void metrics_give_hashes_and_wallet_as_read_from_redis_and_count_json_requests() throws Exception {
        redisServer.call(jedis -> {
            jedis.incrBy("hashes", 142);
            return jedis.hset("wallet", Map.of("0abc", "bytes1", "0def", "bytes2", "0123", "bytes3"));
        });
        assertEquals(200, get("/json").statusCode());
        assertEquals(200, get("/json").statusCode());
        get("/index.html");

        HttpResponse<String> scrape = get("/metrics");
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String text = scrape.body();
        assertTrue(text.contains("\nwebui_hashes_total 142.0\n"), text);
        assertTrue(text.contains("\nwebui_wallet_coins 3.0\n"), text);
        assertTrue(text.matches("(?s).*\nwebui_json_requests_total\\{code=\"200\"} [2-9]\\.0\n.*"), text);
        assertTrue(text.contains("\njvm_memory_used_bytes{area=\"heap\"} "), "JVM basics");
    }

    @Test
    void readyz_follows_redis_while_healthz_stays_green() throws Exception {
        assertEquals(200, get("/readyz").statusCode());
        assertEquals("ready: redis answers\n", get("/readyz").body());
        redisServer.stop();
        try {
            HttpResponse<String> response = awaitStatus("/readyz", 503);
            assertTrue(response.body().startsWith("not ready: redis unavailable: "), response.body());
            assertEquals(200, get("/healthz").statusCode());
            HttpResponse<String> scrape = get("/metrics");
            assertEquals(200, scrape.statusCode(), "scrapes still work without Redis");
            assertFalse(scrape.body().contains("\nwebui_hashes_total "), "no stale value while Redis is away");
        } finally {
            redisServer.start();
        }
        awaitStatus("/readyz", 200);
    }

    private static HttpResponse<String> awaitStatus(String path, int status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        HttpResponse<String> response = get(path);
        while (response.statusCode() != status && Instant.now().isBefore(deadline)) {
            TestRedis.sleep(Duration.ofMillis(100));
            response = get(path);
        }
        assertEquals(status, response.statusCode(), response.body());
        return response;
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
