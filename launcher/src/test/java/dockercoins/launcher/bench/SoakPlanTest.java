package dockercoins.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bench --soak DURATION}: durations as Compose and Go write them, and one clear message otherwise. */
class SoakPlanTest {

    @Test
    void durations_read_as_compose_writes_them() {
        assertEquals(Duration.ofSeconds(20), SoakPlan.parse("20s"));
        assertEquals(Duration.ofMinutes(10), SoakPlan.parse("10m"));
        assertEquals(Duration.ofMinutes(90), SoakPlan.parse("1h30m"));
        assertEquals(Duration.ofSeconds(90), SoakPlan.parse("1.5m"));
        assertEquals(Duration.ofSeconds(61), SoakPlan.parse("1m1s"));
        assertEquals(Duration.ofSeconds(15), SoakPlan.parse("15000ms"));
        assertEquals(Duration.ofHours(24), SoakPlan.parse(" 24h "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "ten minutes", "10 m", "-5m", "10min", "5s", "9.9s", "25h", "1h1m-", "m"})
    void anything_else_is_refused_naming_the_option_and_the_text(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SoakPlan.parse(text));
        assertTrue(e.getMessage().startsWith("--soak must be a duration from 10s to 24h"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got \"" + text + "\""), e.getMessage());
    }

    @Test
    void a_full_soak_runs_50_workers_sampled_every_5_s_and_a_quick_one_5_every_2_s() {
        assertEquals(new SoakPlan(Duration.ofMinutes(10), 50, Duration.ofSeconds(30), Duration.ofSeconds(5)), SoakPlan.of("10m", false));
        assertEquals(new SoakPlan(Duration.ofSeconds(20), 5, Duration.ofSeconds(3), Duration.ofSeconds(2)), SoakPlan.of("20s", true));
        assertEquals("1h30m", SoakPlan.format(Duration.ofMinutes(90)));
        assertEquals("20s", SoakPlan.format(Duration.ofSeconds(20)));
    }

    @Test
    void the_rss_slope_is_the_least_squares_slope() {
        var report = new SoakReport(java.util.List.of("rng-1"));
        for (int i = 0; i <= 12; i++) {
            double noise = i % 2 == 0 ? 0.5 : -0.5;
            report.samples.add(new SoakReport.Sample(i * 5, i * 50L, java.util.Map.of("rng-1", 50 + 0.1 * i + noise)));
        }
        assertEquals(1.2, report.slope("rng-1", 0), 0.15, "0.1 MB every 5 s is 1.2 MB/min");
        assertEquals(10, report.rate(0, 1), 1e-9);
        assertEquals(12, report.intervalRates().size());
    }
}
