package dockercoins.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The faults of Chaos in a real webui process with a real Redis (rng's RngChaosTest covers each fault in depth: the same Chaos.java). */
class WebUiChaosTest {
    static final HttpClient client = HttpClient.newHttpClient();
    TestRedis redis;
    ServiceProcess webui;
    URI service;
    URI chaos;

    @BeforeEach
    void start() {
        redis = new TestRedis();
        webui = new ServiceProcess(WebUi.class, Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "REDIS_URL", redis.url().toString(),
                "FILES_DIR", Path.of("files").toAbsolutePath().toString(), "CHAOS", "on", "CHAOS_PORT", "0"),
                List.of("@" + Path.of("jvm.flags").toAbsolutePath()));
        service = URI.create("http://127.0.0.1:" + webui.awaitPort() + "/");
        int chaosPort = Integer.parseInt(webui.awaitLine(Pattern.compile("webui chaos on port (\\d+)"), Duration.ofSeconds(20)).group(1));
        chaos = URI.create("http://127.0.0.1:" + chaosPort + "/chaos");
    }

    @AfterEach
    void stop() throws InterruptedException {
        webui.close();
        redis.close();
    }

    @Test
    void error_rate_fails_the_page_and_json_but_not_the_probes_until_set_back() throws Exception {
        assertEquals(200, put("{\"error_rate\": 1}").statusCode());
        assertEquals(500, get(service.resolve("/json")).statusCode());
        assertEquals(500, get(service.resolve("/index.html")).statusCode());
        for (String path : List.of("/healthz", "/readyz", "/metrics")) assertEquals(200, get(service.resolve(path)).statusCode(), path);
        assertTrue(get(service.resolve("/metrics")).body().contains("chaos_fault{fault=\"error_rate\"} 1.0"));

        assertEquals(200, put("{\"error_rate\": 0}").statusCode());
        assertEquals(200, get(service.resolve("/json")).statusCode());
    }

    @Test
    void ready_and_healthy_false_turn_the_probes_to_503_and_the_page_is_still_served() throws Exception {
        assertEquals(200, put("{\"ready\": false, \"healthy\": false}").statusCode());
        assertEquals("not ready: chaos ready=false\n", get(service.resolve("/readyz")).body());
        assertEquals(503, get(service.resolve("/healthz")).statusCode());
        assertEquals(200, get(service.resolve("/json")).statusCode());
        assertEquals(200, put("{\"ready\": true, \"healthy\": true}").statusCode());
        assertEquals(200, get(service.resolve("/readyz")).statusCode());
    }

    @Test
    void a_visitor_of_the_published_page_cannot_reach_chaos() throws Exception {
        var refused = client.send(HttpRequest.newBuilder(service.resolve("/chaos")).PUT(BodyPublishers.ofString("{\"exit\": 1}")).build(),
                BodyHandlers.ofString());
        assertEquals(404, refused.statusCode());
        assertEquals(200, get(service.resolve("/json")).statusCode());
        assertTrue(webui.process.isAlive());
    }

    private HttpResponse<String> put(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(chaos).PUT(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
    }
}
