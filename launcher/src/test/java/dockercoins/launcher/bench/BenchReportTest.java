package dockercoins.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.console.LaunchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's figures held to the table of targets, and results.csv read back as a baseline. */
class BenchReportTest {
    @TempDir
    Path dir;

    @Test
    void figures_take_their_original_and_target_from_the_one_table() {
        Figure lab = Figure.of("lab.workers_2.hashes_per_s", "2 workers: hashes/s", 6.5, "h/s").ideal(BenchTargets.ideal(2, 1));
        assertEquals(6.50, lab.original());
        assertEquals("6.667 ±5%", lab.targetText());
        assertEquals("met", lab.status());
        Figure raw = Figure.of("raw.rng_get_32.req_per_s", "rng GET /32: requests/s", 40_000, "req/s");
        assertEquals(">= 41000", raw.targetText());
        assertEquals("missed", raw.status());
        Figure together = Figure.of("memory.workers_10_together.pss_mb", "10 workers together: PSS", 310, "MB");
        assertEquals(320, together.original(), "32 MB per worker");
        assertEquals("<= 300.0", together.targetText(), "30 MB per worker");
        assertEquals("missed", together.status());
        Figure rss = Figure.of("memory.rng.rss_mb", "rng: RSS under lab load", 44.9, "MB");
        assertEquals("<= 45.00", rss.targetText(), "a bound of its own, not the original's 32 MB");
        assertEquals("met", rss.status());
        Figure five = Figure.of("lab.workers_5.hashes_per_s", "5 workers: hashes/s", 9.9, "h/s").ideal(10);
        assertEquals("(ideal 10.00)", five.targetText());
        assertEquals("", five.status());
    }

    @Test
    void results_csv_reads_back_as_a_baseline_quoted_labels_included() {
        BenchReport report = new BenchReport();
        report.add(Figure.of("lab.workers_1.hashes_per_s", "1 worker: hashes/s", 3.24, "h/s").spread(0.05, 12).ideal(3.333));
        report.add(Figure.of("turbo.hashes_per_cpu_s", "hashes per CPU-second (services, redis)", 5400, "h/CPU-s"));
        report.add(Figure.of("raw.rng_get_32.errors", "rng GET /32: errors", Double.NaN, ""));
        Path csv = dir.resolve(BenchReport.CSV);
        report.writeCsv(csv);
        assertEquals(Map.of("lab.workers_1.hashes_per_s", 3.24, "turbo.hashes_per_cpu_s", 5400.0), BenchReport.readBaseline(csv));
        assertEquals(BenchReport.readBaseline(csv), BenchReport.readBaseline(dir), "the results folder will do");
        assertEquals(List.of("a", "b, \"c\"", ""), BenchReport.csvFields("a,\"b, \"\"c\"\"\","));
    }

    @Test
    void a_baseline_that_is_not_a_results_csv_is_one_clear_line() throws Exception {
        Path json = dir.resolve(BenchReport.JSON);
        Files.writeString(json, "{\"bench\": \"dockercoins\"}\n");
        LaunchException e = assertThrows(LaunchException.class, () -> BenchReport.readBaseline(json));
        assertTrue(e.getMessage().contains("is not a bench results.csv"), e.getMessage());
    }
}
