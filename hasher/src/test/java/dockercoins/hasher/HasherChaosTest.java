package dockercoins.hasher;

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

/** The faults of Chaos in a real hasher process (rng's RngChaosTest covers each fault in depth: the same Chaos.java). */
class HasherChaosTest {
    static final HttpClient client = HttpClient.newHttpClient();
    ServiceProcess hasher;
    URI service;
    URI chaos;

    @BeforeEach
    void start() {
        hasher = new ServiceProcess(Hasher.class, Map.of("PORT", "0", "BIND_ADDRESS", "127.0.0.1", "HASHER_DELAY", "0",
                "CHAOS", "on", "CHAOS_PORT", "0"), List.of("@" + Path.of("jvm.flags").toAbsolutePath()));
        service = URI.create("http://127.0.0.1:" + hasher.awaitPort() + "/");
        int chaosPort = Integer.parseInt(hasher.awaitLine(Pattern.compile("hasher chaos on port (\\d+)"), Duration.ofSeconds(20)).group(1));
        chaos = URI.create("http://127.0.0.1:" + chaosPort + "/chaos");
    }

    @AfterEach
    void stop() throws InterruptedException {
        hasher.close();
    }

    @Test
    void error_rate_fails_the_hashes_but_not_the_probes_until_set_back() throws Exception {
        assertEquals(200, put("{\"error_rate\": 1}").statusCode());
        assertEquals(500, post("hello").statusCode());
        assertEquals(500, get(service).statusCode());
        for (String path : List.of("/healthz", "/readyz", "/metrics")) assertEquals(200, get(service.resolve(path)).statusCode(), path);
        assertTrue(get(service.resolve("/metrics")).body().contains("hasher_requests_total{code=\"500\",method=\"POST\"} 1.0"));

        assertEquals(200, put("{\"error_rate\": 0}").statusCode());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", post("hello").body());
    }

    @Test
    void ready_and_healthy_false_turn_the_probes_to_503() throws Exception {
        assertEquals(200, put("{\"ready\": false, \"healthy\": false}").statusCode());
        assertEquals("not ready: chaos ready=false\n", get(service.resolve("/readyz")).body());
        assertEquals(503, get(service.resolve("/healthz")).statusCode());
        assertEquals(200, post("hello").statusCode());
        assertEquals(200, put("{\"ready\": true, \"healthy\": true}").statusCode());
        assertEquals("ready\n", get(service.resolve("/readyz")).body());
        assertEquals("hasher is alive\n", get(service.resolve("/healthz")).body());
    }

    @Test
    void chaos_is_not_served_on_the_service_port() throws Exception {
        assertEquals(404, get(service.resolve("/chaos")).statusCode());
        var refused = client.send(HttpRequest.newBuilder(service.resolve("/chaos")).PUT(BodyPublishers.ofString("{\"exit\": 1}")).build(),
                BodyHandlers.ofString());
        assertEquals(404, refused.statusCode());
        assertTrue(hasher.process.isAlive());
    }

    private HttpResponse<String> put(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(chaos).PUT(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(service).POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
    }
}
