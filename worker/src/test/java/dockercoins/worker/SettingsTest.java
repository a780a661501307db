package dockercoins.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaults_are_the_compose_service_names() {
        var settings = Settings.fromEnv(Map.of());
        assertEquals(List.of(URI.create("http://rng")), settings.rngUrls());
        assertEquals(List.of(URI.create("http://hasher")), settings.hasherUrls());
        assertEquals(URI.create("redis://redis:6379"), settings.redisUrl());
        assertEquals(Duration.ofMillis(100), settings.workerDelay());
        assertTrue(settings.metricsPort().isEmpty(), "no port unless METRICS_PORT is set");
        assertFalse(settings.keepAlive(), "a new connection per call");
        assertFalse(settings.ignoreSigterm(), "graceful on SIGTERM");
        assertFalse(settings.debug());
    }

    @ParameterizedTest
    @CsvSource({"on, true", "ON, true", "yes, true", "True, true", "' on ', true", "off, false", "no, false", "FALSE, false",
            "'', false", "'  ', false"})
    void the_KEEP_ALIVE_switch_reads_on_yes_true_and_off_no_false_in_any_case(String value, boolean keepAlive) {
        assertEquals(keepAlive, Settings.fromEnv(Map.of("KEEP_ALIVE", value)).keepAlive());
    }

    @Test
    void metrics_port_is_read_from_METRICS_PORT() {
        assertEquals(9100, Settings.fromEnv(Map.of("METRICS_PORT", "9100")).metricsPort().getAsInt());
        assertTrue(Settings.fromEnv(Map.of("METRICS_PORT", "")).metricsPort().isEmpty());
    }

    @Test
    void the_metrics_port_listens_on_BIND_ADDRESS() {
        assertEquals("0.0.0.0", Settings.fromEnv(Map.of()).bindAddress());
        assertEquals("127.0.0.1", Settings.fromEnv(Map.of("BIND_ADDRESS", "127.0.0.1")).bindAddress());
    }

    @Test
    void reads_url_lists_a_password_url_a_delay_and_debug() {
        var settings = Settings.fromEnv(Map.of(
                "RNG_URL", "http://127.0.0.1:8101/, http://127.0.0.1:8102",
                "REDIS_URL", "redis://:pass@db:6380/2",
                "WORKER_DELAY", "1",
                "DEBUG", "Yes"));
        assertEquals(List.of(URI.create("http://127.0.0.1:8101"), URI.create("http://127.0.0.1:8102")),
                settings.rngUrls());
        assertEquals(URI.create("redis://:pass@db:6380/2"), settings.redisUrl());
        assertEquals(Duration.ofSeconds(1), settings.workerDelay());
        assertTrue(settings.debug());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "WORKER_DELAY | abc",
        "WORKER_DELAY | -1",
        "WORKER_DELAY | 1e3",
        "RNG_URL      | ftp://rng",
        "RNG_URL      | rng",
        "HASHER_URL   | 'http://hasher,'",
        "REDIS_URL    | http://redis:6379",
        "REDIS_URL    | redis://redis:6379/x",
        "METRICS_PORT | http",
        "METRICS_PORT | 65536",
        "BIND_ADDRESS | no-such-host.invalid",
        "KEEP_ALIVE   | 1",
        "KEEP_ALIVE   | keep-alive",
        "IGNORE_SIGTERM | always",
        "CHAOS_ERROR_RATE | 2",
        "CHAOS_ERROR_RATE | half",
    })
    void rejects_a_malformed_value_naming_the_variable_and_the_value(String name, String value) {
        var error = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnv(Map.of(name, value)));
        assertTrue(error.getMessage().startsWith(name + " must "), error.getMessage());
        assertTrue(error.getMessage().endsWith("got \"" + value + "\""), error.getMessage());
    }

    @Test
    void a_malformed_value_stops_the_worker_with_one_line_and_status_2() throws IOException {
        try (var worker = WorkerProcess.start(Map.of("WORKER_DELAY", "abc"))) {
            assertTrue(worker.process.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join() != null);
            assertEquals(2, worker.process.exitValue());
            worker.process.getInputStream();
            WorkerProcess.pause(Duration.ofMillis(200)); // let the reader threads drain the pipes
            assertEquals(List.of("WORKER_DELAY must be a number of seconds, got \"abc\""), List.copyOf(worker.stderr));
            assertTrue(worker.stdout.isEmpty(), worker.output());
        }
    }
}
