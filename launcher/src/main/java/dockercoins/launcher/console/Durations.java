package dockercoins.launcher.console;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Compose and Go write them: {@code 20s}, {@code 10m}, {@code 1h30m}, {@code 1.5h}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * The duration an option gives, from shortest to longest; a bare number is refused (seconds
     * or minutes?), and so is anything out of range, with a message naming the option.
     */
    public static Duration parse(String option, String text, Duration shortest, Duration longest) {
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
        if (t.isEmpty() || end != t.length() || d.compareTo(shortest) < 0 || d.compareTo(longest) > 0) {
            throw new IllegalArgumentException(option + " must be a duration from " + format(shortest) + " to " + format(longest)
                    + ", such as 20s, 10m or 1h30m, got \"" + text + "\"");
        }
        return d;
    }

    /** {@code 10m}, {@code 20s}, {@code 1h30m}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        String text = (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "") + (s % 60 > 0 ? s % 60 + "s" : "");
        return text.isEmpty() ? d.toMillis() + "ms" : text;
    }
}
