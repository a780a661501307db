package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code ./dockercoins bench --quick} for real (its own stack on free ports, the real jars), so
 * the bench cannot rot. It checks that the outputs exist and are well-formed, never a speed:
 * speeds on a busy CI machine prove nothing. Runs after package (failsafe), in well under a minute.
 */
class BenchSmokeEndToEndTest {
    private final Path projectDir = Path.of("").toAbsolutePath().getParent();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hang, not a speed target
    void a_quick_bench_writes_a_table_csv_json_and_png_and_leaves_nothing_running(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("NO_COLOR", "1");
        var cl = Launcher.commandLine(env);
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));

        int exit = cl.execute("--project-directory", projectDir.toString(), "bench", "--quick", "--no-build",
                "--out", out.toString());

        assertEquals(0, exit, stdout + "\n" + stderr);
        assertTrue(stdout.toString().contains("PHASE") && stdout.toString().contains("hashes/s"), stdout.toString());

        Object json = new ObjectMapper().readValue(Files.readString(out.resolve(BenchReport.JSON)), Object.class);
        Map<?, ?> top = assertInstanceOf(Map.class, json);
        assertEquals("dockercoins", top.get("bench"));
        List<?> figures = assertInstanceOf(List.class, top.get("figures"));
        Set<String> keys = figures.stream().map(f -> (String) ((Map<?, ?>) f).get("key")).collect(Collectors.toSet());
        for (String key : List.of("lab.workers_1.hashes_per_s", "lab.workers_1.rng_get_p99_ms", "turbo.workers_1.hashes_per_s",
                "turbo.hashes_per_cpu_s", "raw.rng_get_32.req_per_s", "raw.hasher_post.req_per_s", "startup.rng.seconds",
                "startup.worker.seconds", "memory.webui.rss_mb", "memory.redis.pss_mb")) {
            assertTrue(keys.contains(key), "results.json has no figure " + key + ": " + keys);
        }
        for (Object f : figures) {
            Map<?, ?> figure = (Map<?, ?>) f;
            for (String field : List.of("key", "phase", "figure", "value", "unit", "spread", "samples", "original", "target", "status")) {
                assertTrue(figure.containsKey(field), "figure " + figure + " has no " + field);
            }
        }
        // every measured figure reads back from results.csv as a baseline, with its value
        // (which figures a quick run on a busy machine measures is not the point here)
        Map<String, Double> baseline = BenchReport.readBaseline(out.resolve(BenchReport.CSV));
        assertFalse(baseline.isEmpty(), "a results.csv reads back as a baseline");
        assertTrue(keys.containsAll(baseline.keySet()), "baseline keys are figure keys: " + baseline.keySet());
        for (Object f : figures) {
            Map<?, ?> figure = (Map<?, ?>) f;
            if (figure.get("value") instanceof Number n) {
                assertEquals(n.doubleValue(), baseline.get((String) figure.get("key")), Math.abs(n.doubleValue()) * 1e-3 + 1e-4,
                        "the baseline's " + figure.get("key"));
            }
        }

        List<String> csv = Files.readAllLines(out.resolve(BenchReport.CSV));
        assertEquals(BenchReport.CSV_HEADER, csv.get(0));
        assertEquals(figures.size(), csv.size() - 1, "one CSV row per figure");
        for (String row : csv.subList(1, csv.size())) {
            assertEquals(10, fields(row), "10 fields in " + row);
        }

        byte[] png = Files.readAllBytes(out.resolve(BenchReport.PNG));
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertTrue(Arrays.equals(signature, Arrays.copyOf(png, 8)), "PNG signature");
        assertTrue(png.length > 5_000, "a chart, not an empty image: " + png.length + " bytes");
        BufferedImage image = ImageIO.read(out.resolve(BenchReport.PNG).toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());

        assertFalse(Files.exists(projectDir.resolve(".dockercoins").resolve("bench-project").resolve(".dockercoins").resolve(BenchRun.PROJECT).resolve("state")),
                "the bench's stack state is removed");
        assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), "no child process left");
    }

    /** Fields of a CSV row with RFC 4180 quoting. */
    private static int fields(String row) {
        int n = 1;
        boolean quoted = false;
        for (char c : row.toCharArray()) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) n++;
        }
        return n;
    }
}
