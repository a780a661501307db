package dockercoins.launcher.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code bench --soak DURATION} runs: this many workers with the lab's delays for the
 * duration, after a warm-up, sampled every {@code interval}. {@code --quick} makes it a smoke run.
 */
public record SoakPlan(Duration duration, int workers, Duration warmUp, Duration interval) {
    static final Duration SHORTEST = Duration.ofSeconds(10);
    static final Duration LONGEST = Duration.ofHours(24);
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    public static SoakPlan of(String duration, boolean quick) {
        Duration d = parse(duration);
        return quick ? new SoakPlan(d, 5, Duration.ofSeconds(3), Duration.ofSeconds(2))
                : new SoakPlan(d, 50, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    /**
     * A duration as Compose and Go write them: {@code 20s}, {@code 10m}, {@code 1h30m},
     * {@code 1.5h}; from 10 s to 24 h. A bare number is refused: seconds or minutes?
     */
    static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = PART.matcher(t);
        double millis = 0;
        int end = 0;
        while (m.lookingAt()) {
            double n = Double.parseDouble(m.group(1));
            millis += n * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            end = m.end();
            m.region(end, t.length());
        }
        Duration d = Duration.ofMillis(Math.round(millis));
        if (t.isEmpty() || end != t.length() || d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("--soak must be a duration from 10s to 24h, such as 20s, 10m or 1h30m, got \""
                    + text + "\"");
        }
        return d;
    }

    /** {@code 10m}, {@code 20s}, {@code 1h30m}: for the results' "about" lines. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        String text = (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "") + (s % 60 > 0 ? s % 60 + "s" : "");
        return text.isEmpty() ? d.toMillis() + "ms" : text;
    }
}
