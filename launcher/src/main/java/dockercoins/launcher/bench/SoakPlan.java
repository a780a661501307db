package dockercoins.launcher.bench;

import dockercoins.launcher.console.Durations;
import java.time.Duration;

/**
 * What {@code bench --soak DURATION} runs: this many workers with the lab's delays for the
 * duration, after a warm-up, sampled every {@code interval}. {@code --quick} makes it a smoke run.
 */
public record SoakPlan(Duration duration, int workers, Duration warmUp, Duration interval) {
    static final Duration SHORTEST = Duration.ofSeconds(10);
    static final Duration LONGEST = Duration.ofHours(24);

    public static SoakPlan of(String duration, boolean quick) {
        Duration d = parse(duration);
        return quick ? new SoakPlan(d, 5, Duration.ofSeconds(3), Duration.ofSeconds(2))
                : new SoakPlan(d, 50, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    /** {@code 20s}, {@code 10m}, {@code 1h30m}: from 10 s to 24 h. */
    static Duration parse(String text) {
        return Durations.parse("--soak", text, SHORTEST, LONGEST);
    }

    /** {@code 10m}, {@code 20s}, {@code 1h30m}: for the results' "about" lines. */
    public static String format(Duration d) {
        return Durations.format(d);
    }
}
