package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregated log view: Compose v2's prefixes, and the tail of a log read backwards. */
class LogStreamTest {

    @TempDir
    Path dir;

    @Test
    void log_prefixes_pad_every_name_to_the_longest_plus_one() {
        assertEquals("worker-2  | ", LogStream.prefix("worker-2", 8));
        assertEquals("rng-1     | ", LogStream.prefix("rng-1", 8));
        assertEquals("worker-2   | ", LogStream.prefix("worker-2", 9));
    }

    @Test
    void tail_returns_the_last_complete_lines() throws IOException {
        Path log = dir.resolve("log");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 5000; i++) sb.append("line ").append(i).append('\n');
        sb.append("half a li");
        Files.writeString(log, sb);
        long end = Files.size(log);
        assertEquals(List.of("line 4998", "line 4999", "line 5000"), LogStream.tailLines(log, end, 3));
        assertEquals(5000, LogStream.tailLines(log, end, -1).size());
        assertEquals(List.of(), LogStream.tailLines(log, end, 0));
    }
}
