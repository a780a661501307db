package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One line of a replica's log, as supervise.pl writes it. */
class LogLineTest {

    @Test
    void log_lines_keep_the_time_they_were_written() {
        LogLine line = LogLine.parse("2026-11-26T16:47:00.123456Z 3 units of work done, updating hash counter");
        assertEquals(Instant.parse("2026-11-26T16:47:00.123456Z"), line.time());
        assertEquals("3 units of work done, updating hash counter", line.text());
    }

    @Test
    void a_line_without_a_time_is_shown_as_it_is() {
        LogLine raw = LogLine.parse("cannot run java");
        assertNull(raw.time());
        assertEquals("cannot run java", raw.text());
    }
}
