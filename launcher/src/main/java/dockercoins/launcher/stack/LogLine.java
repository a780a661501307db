package dockercoins.launcher.stack;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One line of a replica's log file: {@code <UTC time it was written> <what the replica printed>}. */
public record LogLine(Instant time, String stamp, String text) {

    public static LogLine parse(String raw) {
        int space = raw.indexOf(' ');
        if (space == 27 && raw.charAt(26) == 'Z') {
            try {
                String stamp = raw.substring(0, space);
                return new LogLine(Instant.parse(stamp), stamp, raw.substring(space + 1));
            } catch (DateTimeParseException e) {
                // not ours: shown as it is
            }
        }
        return new LogLine(null, "", raw);
    }
}
