package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.bench.BenchReport;
import dockercoins.launcher.bench.BenchRun;
import dockercoins.launcher.bench.SoakReport;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        String stdout = bench(out, "--quick");
        assertTrue(stdout.contains("PHASE") && stdout.contains("hashes/s"), stdout);

        Object json = new ObjectMapper().readValue(Files.readString(out.resolve(BenchReport.JSON)), Object.class);
        Map<?, ?> top = assertInstanceOf(Map.class, json);
        assertEquals("dockercoins", top.get("bench"));
        List<?> figures = assertInstanceOf(List.class, top.get("figures"));
        Set<String> keys = figures.stream().map(f -> (String) ((Map<?, ?>) f).get("key")).collect(Collectors.toSet());
        for (String key : List.of("lab.workers_1.hashes_per_s", "lab.workers_1.rng_get_p99_ms", "turbo.workers_1.hashes_per_s",
                "turbo.hashes_per_cpu_s", "raw.rng_get_32.req_per_s", "raw.hasher_post.req_per_s", "startup.rng.seconds",
                "startup.worker.seconds", "memory.webui.rss_mb", "memory.redis.pss_mb", "memory.floor.rss_mb",
                "memory.rng.rss_above_floor_mb", "memory.worker.rss_above_floor_mb", "turbo.defaults.hashes_per_cpu_s",
                "turbo.new_connections.hashes_per_cpu_s")) {
            assertTrue(keys.contains(key), "results.json has no figure " + key + ": " + keys);
        }
        Map<String, Double> values = figures.stream().map(f -> (Map<?, ?>) f).filter(f -> f.get("value") instanceof Number)
                .collect(Collectors.toMap(f -> (String) f.get("key"), f -> ((Number) f.get("value")).doubleValue()));
        assertTrue(values.get("memory.floor.rss_mb") > 10, "the floor is a running JVM: " + values.get("memory.floor.rss_mb"));
        assertEquals(values.get("memory.hasher.rss_mb") - values.get("memory.floor.rss_mb"), values.get("memory.hasher.rss_above_floor_mb"),
                1e-3, "above the floor = the service's RSS - the floor's, from the same run");
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

        assertChart(out.resolve(BenchReport.PNG));
        assertNothingLeft();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hang, not a speed target
    void a_short_soak_writes_its_figures_samples_and_chart_and_leaves_nothing_running(@TempDir Path out) throws Exception {
        String stdout = bench(out, "--soak", "20s", "--quick");
        assertTrue(stdout.contains("soak") && stdout.contains("RSS slope"), stdout);

        Map<?, ?> top = assertInstanceOf(Map.class, new ObjectMapper().readValue(Files.readString(out.resolve(BenchReport.JSON)), Object.class));
        List<?> figures = assertInstanceOf(List.class, top.get("figures"));
        Set<String> keys = figures.stream()
                .map(f -> (String) ((Map<?, ?>) f).get("key")).collect(Collectors.toSet());
        for (String key : List.of("soak.hashes_per_s", "soak.hashes_per_s_last_tenth", "soak.worker_waits", "soak.json_errors",
                "soak.rng_get_errors", "soak.hasher_get_errors", "soak.rng.rss_slope_mb_per_min", "soak.hasher.rss_slope_mb_per_min",
                "soak.webui.rss_slope_mb_per_min", "soak.redis.rss_slope_mb_per_min", "soak.worker.rss_slope_mb_per_min",
                "soak.worker.rss_slope_max_mb_per_min")) {
            assertTrue(keys.contains(key), "results.json has no figure " + key + ": " + keys);
        }
        List<String> csv = Files.readAllLines(out.resolve(BenchReport.CSV));
        assertEquals(BenchReport.CSV_HEADER, csv.get(0));
        assertEquals(keys.size(), csv.size() - 1, "one CSV row per figure");

        List<String> samples = Files.readAllLines(out.resolve(SoakReport.CSV));
        List<String> header = List.of(samples.get(0).split(","));
        assertEquals(List.of("seconds", "hashes", "hashes_per_s", "rss_mb_redis-1", "rss_mb_rng-1", "rss_mb_hasher-1", "rss_mb_webui-1"),
                header.subList(0, 7), samples.get(0));
        assertTrue(header.containsAll(List.of("rss_mb_worker-1", "rss_mb_worker-5")), samples.get(0));
        assertTrue(samples.size() - 1 >= 8, "a reading every 2 s for 20 s: " + samples.size());
        double before = -1;
        for (String row : samples.subList(1, samples.size())) {
            String[] f = row.split(",", -1);
            assertEquals(header.size(), f.length, row);
            double seconds = Double.parseDouble(f[0]);
            assertTrue(seconds > before, "time goes on: " + row);
            before = seconds;
            Long.parseLong(f[1]);
            for (int i = 3; i < f.length; i++) assertTrue(Double.parseDouble(f[i]) > 0, "an RSS in " + row);
        }
        assertChart(out.resolve(SoakReport.PNG));
        assertNothingLeft();
    }

    /** {@code bench --no-build --out DIR ARGS} in this JVM; its output, once it exited 0. */
    private String bench(Path out, String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("NO_COLOR", "1");
        var cl = Launcher.commandLine(env);
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        List<String> all = new ArrayList<>(List.of("--project-directory", projectDir.toString(), "bench", "--no-build", "--out", out.toString()));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        assertEquals(0, exit, stdout + "\n" + stderr);
        return stdout.toString();
    }

    private static void assertChart(Path file) throws Exception {
        byte[] png = Files.readAllBytes(file);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertTrue(Arrays.equals(signature, Arrays.copyOf(png, 8)), "PNG signature");
        assertTrue(png.length > 5_000, "a chart, not an empty image: " + png.length + " bytes");
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
    }

    private void assertNothingLeft() {
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
