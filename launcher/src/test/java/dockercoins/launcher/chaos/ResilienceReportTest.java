package dockercoins.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.chaos.Recorder.Reading;
import dockercoins.launcher.chaos.ResilienceReport.Done;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The report's arithmetic on counters it is given: readings four times a second of a counter
 * that, like DockerCoins', moves once a second by the loops of the second before.
 */
class ResilienceReportTest {
    private static final double RATE = 10; // hashes/s at full pace

    /** Readings for 60 s of a counter whose pace at each second is pace(second), as a share of RATE. */
    private static List<Reading> counter(DoubleUnaryOperator pace) {
        List<Reading> readings = new ArrayList<>();
        double hashes = 0;
        long shown = 0;
        for (int i = 0; i <= 240; i++) {
            double t = i * 0.25;
            if (i % 4 == 0 && i > 0) shown = Math.round(hashes);
            hashes += RATE * pace.applyAsDouble(t) * 0.25;
            readings.add(new Reading(t, shown, shown / 10));
        }
        return readings;
    }

    private static String printed(ResilienceReport report) {
        StringWriter text = new StringWriter();
        report.print(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void work_that_stops_for_8_s_after_an_event_resumes_then_and_is_back_at_pace_a_window_later() {
        var readings = counter(t -> t >= 20 && t < 28 ? 0 : 1);
        var report = new ResilienceReport(readings, 0, List.of(new Done(20, "kill rng-1", "started again after 0.5 s")), 60);
        assertEquals(RATE, report.baseline, 0.6);
        var row = report.rows.get(0);
        assertTrue(row.stalled() >= 8 && row.stalled() <= 10, "stalled " + row.stalled());
        assertTrue(row.resumedAfter() >= 8 && row.resumedAfter() <= 10, "resumed after " + row.resumedAfter());
        assertTrue(row.slowed());
        assertTrue(row.atPaceAfter() > row.resumedAfter() && row.atPaceAfter() <= row.resumedAfter() + ResilienceReport.PACE_WINDOW,
                "at pace after " + row.atPaceAfter());
        assertEquals(80, row.lost(), 12, "8 s at 10 hashes/s");
        assertTrue(report.passed(), printed(report));
        assertTrue(printed(report).contains("never went back"));
    }

    @Test
    void an_event_that_costs_a_fifth_of_the_pace_never_slows_the_work_below_two_thirds() {
        var report = new ResilienceReport(counter(t -> t >= 20 && t < 30 ? 0.8 : 1), 0, List.of(new Done(20, "stop worker-5", "")), 60);
        var row = report.rows.get(0);
        assertFalse(row.slowed());
        assertEquals(0, row.stalled());
        assertTrue(report.passed(), printed(report));
        assertTrue(printed(report).contains("never slowed"));
    }

    @Test
    void work_that_never_comes_back_before_the_next_event_fails_the_run() {
        var events = List.of(new Done(20, "kill rng-1", ""), new Done(40, "kill hasher-1", ""));
        var report = new ResilienceReport(counter(t -> t >= 20 && t < 41 ? 0 : 1), 0, events, 60);
        var first = report.rows.get(0);
        assertNull(first.resumedAfter());
        assertNull(first.atPaceAfter());
        assertFalse(report.passed());
        String text = printed(report);
        assertTrue(text.contains("NOT RESUMED") && text.contains("1 of 2 events") && text.contains("resilience:   FAIL"), text);
    }

    @Test
    void a_counter_that_goes_back_fails_the_run_and_says_when_and_by_how_much() {
        var readings = new ArrayList<>(counter(t -> 1));
        Reading at30 = readings.get(120);
        readings.set(120, new Reading(at30.seconds(), 3, at30.coins()));
        var report = new ResilienceReport(readings, 0, List.of(new Done(20, "kill redis-1", "")), 60);
        assertEquals(List.of(new ResilienceReport.WentBack("hashes", 30, readings.get(119).hashes(), 3)), report.wentBack);
        assertFalse(report.passed());
        assertTrue(printed(report).contains("hashes went back at 0:30: " + readings.get(119).hashes() + " -> 3"), printed(report));
    }

    @Test
    void a_counter_that_never_moved_before_the_first_event_is_no_baseline() {
        var report = new ResilienceReport(counter(t -> t < 20 ? 0 : 1), 0, List.of(new Done(20, "kill worker-1", "")), 60);
        assertEquals(0, report.baseline);
        assertFalse(report.passed());
        assertTrue(printed(report).contains("the counter did not move before the first event"), printed(report));
    }
}
