package dockercoins.launcher;

import static dockercoins.launcher.ScriptedStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dockercoins.launcher.ScriptedStack.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The workshop's Compose lab, driven through the real {@code ./dockercoins} script and the real
 * service jars, on ports other than 8000-8002 and under its own project name, so a user's stack
 * is never touched. Runs after package (failsafe), about a minute and a half.
 * <p>The tests share one stack, but none relies on another or on an order: each first brings the
 * stack to the state it needs ({@link #running}: five services and N workers, an up that changes
 * nothing when the stack is already so), and the rates are measured once every worker is at work,
 * so any one runs alone ({@code -Dit.test=LauncherEndToEndTest#...}) or in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherEndToEndTest {
    /** A worker's flush in the logs with --timestamps: {@code worker-3   | 2026-...Z 3 units of work done, updating hash counter}. */
    private static final Pattern WORKER_COUNTED = Pattern.compile("(worker-\\d+)\\s+\\| (\\S+Z) .*units of work done.*");
    // The original's form, "hashes":"75" (null before the first count), or a plain number.
    private static final Pattern HASHES = Pattern.compile("\"hashes\"\\s*:\\s*(null|\"?(\\d+)\"?)");

    private final ScriptedStack stack = new ScriptedStack("e2e", 20000, 0, 1, 2);
    private final int base = stack.base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** After the first up, --no-build keeps a teammate's edit in progress from rebuilding jars mid-test. */
    private boolean built;

    @AfterAll
    void down_whatever_happened() throws Exception {
        dockercoins("down");
    }

    @Test
    void up_detached_starts_the_stack() throws Exception {
        Result up = running(1);
        for (String service : List.of("redis", "rng", "hasher", "webui", "worker")) {
            assertTrue(up.out().contains(stack.project + "-" + service + "-1"), up.out());
        }
    }

    @Test
    void ps_lists_five_services_with_their_ports() throws Exception {
        running(1);
        Result ps = dockercoins("ps");
        assertEquals(0, ps.exit(), ps.err());
        List<String> lines = ps.out().lines().toList();
        assertEquals(6, lines.size(), ps.out());
        assertTrue(lines.get(0).matches("NAME\\s+SERVICE\\s+STATUS\\s+PID\\s+PORTS"), lines.get(0));
        assertTrue(ps.out().contains("127.0.0.1:" + base), ps.out());
        assertTrue(ps.out().contains("127.0.0.1:" + (base + 1)), ps.out());
        assertTrue(ps.out().contains("127.0.0.1:" + (base + 2)), ps.out());
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.contains(" Up "), line);
        }
    }

    @Test
    void top_shows_each_replicas_processes_with_live_pids() throws Exception {
        running(1);
        Result top = dockercoins("top");
        assertEquals(0, top.exit(), top.err());
        List<String> lines = top.out().lines().toList();
        for (String service : List.of("redis", "rng", "hasher", "webui", "worker")) {
            int at = lines.indexOf(stack.project + "-" + service + "-1");
            assertTrue(at >= 0, "a table for " + service + "-1 in\n" + top.out());
            assertTrue(lines.get(at + 1).matches("UID\\s+PID\\s+PPID\\s+TIME\\s+CMD"), lines.get(at + 1));
            String[] row = lines.get(at + 2).trim().split("\\s+", 5);
            long pid = Long.parseLong(row[1]);
            String ps = dockercoins("ps", service).out();
            assertTrue(ps.lines().anyMatch(l -> l.contains("-" + service + "-1 ") && l.matches(".*\\s" + row[1] + "(\\s.*)?")),
                    "the pid ps shows, " + row[1] + ", in\n" + ps);
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            assertTrue(process.isAlive(), "pid " + pid + " is alive");
            assertEquals(process.parent().map(ProcessHandle::pid).orElseThrow(), Long.parseLong(row[2]), "its supervisor");
            assertTrue(row[3].matches("([0-9]+-)?[0-9]+:[0-9]{2}(:[0-9]{2})?"), "a CPU time: " + row[3]);
            assertTrue(row[4].contains(service.equals("redis") ? "redis-server" : service + ".jar"), row[4]);
        }
    }

    @Test
    void stats_no_stream_prints_cpu_and_memory_of_every_replica_once() throws Exception {
        running(1);
        Result stats = dockercoins("stats", "--no-stream");
        assertEquals(0, stats.exit(), stats.err());
        List<String> lines = stats.out().lines().toList();
        assertEquals(6, lines.size(), stats.out());
        assertTrue(lines.get(0).matches("NAME\\s+PID\\s+CPU %\\s+MEM USAGE\\s+MEM %"), lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            assertEquals(5, f.length, line);
            assertTrue(f[0].startsWith(stack.project + "-"), line);
            assertTrue(ProcessHandle.of(Long.parseLong(f[1])).map(ProcessHandle::isAlive).orElse(false), "a live pid: " + line);
            double cpu = Double.parseDouble(f[2].replace("%", ""));
            assertTrue(cpu >= 0 && cpu <= 100.0 * Runtime.getRuntime().availableProcessors() + 50, line);
            double mib = Double.parseDouble(f[3].replace("MiB", ""));
            assertTrue(mib > 1 && mib < 1024, "a replica's RSS in MiB: " + line);
            assertTrue(Double.parseDouble(f[4].replace("%", "")) > 0, line);
        }
        System.out.println("e2e: stats --no-stream\n" + stats.out());
    }

    @Test
    void stats_refreshes_its_table_until_stopped() throws Exception {
        running(1);
        Process stats = start("stats", "worker");
        try {
            BlockingQueue<String> lines = lines(stats.getInputStream());
            int headers = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (headers < 2) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertTrue(line != null, "two tables within 15 s");
                if (line.startsWith("NAME")) headers++;
                else if (!line.isBlank()) assertTrue(line.startsWith(stack.project + "-worker-1 "), line);
            }
        } finally {
            stats.destroy();
            stats.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void logs_tail_shows_units_of_work_done() throws Exception {
        running(1);
        await(Duration.ofSeconds(30), "worker logs 'units of work done'",
                () -> dockercoinsQuietly("logs", "--tail", "10").contains("units of work done"));
        Result logs = dockercoins("logs", "--tail", "10", "worker");
        assertTrue(logs.out().lines().allMatch(l -> l.startsWith("worker-1  | ")), logs.out());
        assertTrue(logs.out().lines().count() <= 10, logs.out());
    }

    @Test
    void logs_follow_streams_new_lines() throws Exception {
        running(1);
        Process follow = start("logs", "--follow", "--tail", "0", "worker");
        try {
            BlockingQueue<String> lines = lines(follow.getInputStream());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            String line = "";
            while (!line.contains("units of work done")) {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertTrue(line != null, "no new 'units of work done' line within 15 s");
                assertTrue(line.startsWith("worker-1  | "), line);
            }
        } finally {
            follow.destroy();
            follow.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void one_worker_mines_about_3_3_hashes_per_second() throws Exception {
        running(1);
        double rate = rate();
        System.out.printf("e2e: 1 worker: %.2f hashes/s%n", rate);
        assertTrue(rate > 3.3 * 0.85 && rate < 3.3 * 1.15, "hashes/s with 1 worker: " + rate);
    }

    @Test
    void two_workers_mine_about_twice_as_much() throws Exception {
        running(1);
        Instant scaled = Instant.now();
        Result up = dockercoins("up", "-d", "--no-build", "--scale", "worker=2");
        assertEquals(0, up.exit(), up.err());
        assertTrue(up.out().contains(stack.project + "-worker-1  ") && up.out().contains("Running"), up.out());
        awaitEveryWorkerCounted(2, scaled);
        double rate = rate();
        System.out.printf("e2e: 2 workers: %.2f hashes/s%n", rate);
        assertTrue(rate > 6.6 * 0.85 && rate < 6.6 * 1.15, "hashes/s with 2 workers: " + rate);
    }

    @Test
    void ten_workers_are_capped_by_rng_near_ten() throws Exception {
        running(2);
        Instant scaled = Instant.now();
        Result up = dockercoins("up", "-d", "--no-build", "--scale", "worker=10");
        assertEquals(0, up.exit(), up.err());
        assertEquals(8, up.out().lines().filter(l -> l.matches(".*-worker-\\d+\\s+Started")).count(), up.out());
        awaitEveryWorkerCounted(10, scaled);
        double rate = rate();
        System.out.printf("e2e: 10 workers: %.2f hashes/s%n", rate);
        assertTrue(rate > 8.5 && rate <= 10.5, "hashes/s with 10 workers: " + rate);
    }

    @Test
    void rng_answers_slowly_under_load_while_hasher_is_fast() throws Exception {
        running(10);
        double rng = medianSeconds(base + 1);
        double hasher = medianSeconds(base + 2);
        System.out.printf("e2e: GET / under 10 workers, median of 5: rng %.0f ms, hasher %.1f ms%n", rng * 1000, hasher * 1000);
        assertTrue(rng >= 0.45, "rng GET / took " + rng + " s");
        assertTrue(hasher < 0.030, "hasher GET / took " + hasher + " s");
    }

    @Test
    void scaling_back_to_one_stops_the_other_nine() throws Exception {
        running(10);
        Result up = dockercoins("up", "-d", "--no-build", "--scale", "worker=1");
        assertEquals(0, up.exit(), up.err());
        assertEquals(9, up.out().lines().filter(l -> l.matches(".*-worker-\\d+\\s+Removed")).count(), up.out());
        Result ps = dockercoins("ps", "worker");
        assertEquals(2, ps.out().lines().count(), ps.out());
    }

    @Test
    void stop_start_and_restart_act_on_the_named_services_only() throws Exception {
        running(1);
        Result stop = dockercoins("stop", "worker");
        assertEquals(0, stop.exit(), stop.err());
        String ps = dockercoins("ps").out();
        assertTrue(ps.lines().anyMatch(l -> l.contains("-worker-1 ") && l.contains("exited (143)")), ps);
        assertTrue(ps.lines().anyMatch(l -> l.contains("-rng-1 ") && l.contains(" Up ")), ps);

        Result start = dockercoins("start", "worker");
        assertEquals(0, start.exit(), start.err());
        String worker = dockercoins("ps", "worker").out();
        assertTrue(worker.lines().anyMatch(l -> l.contains("-worker-1 ") && l.contains(" Up ")), worker);

        String rngBefore = pidOf("rng-1");
        Result restart = dockercoins("restart", "rng");
        assertEquals(0, restart.exit(), restart.err());
        assertNotEquals(rngBefore, pidOf("rng-1"), "restart runs a new rng process");
        assertEquals(200, get(base + 1, "/").statusCode());
    }

    @Test
    void down_leaves_no_process_and_no_open_port() throws Exception {
        running(1);
        stack.downLeavesNothing();
    }

    // ---- helpers -------------------------------------------------------------------------

    /**
     * Waits until each of the {@code workers} has added to the counter since {@code since}: in
     * the measured window every worker is then at work, none in its start-up nor in the 10 s wait
     * that follows an error (a restarted rng).
     */
    private void awaitEveryWorkerCounted(int workers, Instant since) throws Exception {
        await(Duration.ofSeconds(40), "each of " + workers + " workers logs 'units of work done' since " + since, () -> {
            Set<String> counted = new HashSet<>();
            for (String line : dockercoinsQuietly("logs", "--tail", "5", "--timestamps", "worker").lines().toList()) {
                Matcher m = WORKER_COUNTED.matcher(line);
                if (m.matches() && Instant.parse(m.group(2)).isAfter(since)) counted.add(m.group(1));
            }
            return counted.size() >= workers;
        });
    }

    /**
     * Brings the stack to the five services with {@code workers} workers, whatever an earlier
     * test left (nothing, ten workers, a stopped worker): what each test needs first.
     */
    private Result running(int workers) throws Exception {
        List<String> args = new ArrayList<>(List.of("up", "-d", "--scale", "worker=" + workers));
        if (built) args.add("--no-build");
        Result up = dockercoins(args.toArray(String[]::new));
        assertEquals(0, up.exit(), up.out() + up.err());
        built = true;
        stack.recordPidsAndPorts();
        return up;
    }

    /**
     * Hashes per second from webui's /json: the least-squares slope of the counter sampled every
     * 100 ms over 12 s, after 2 s of warm-up from its first change on (workers add to it about
     * once a second each, and a worker that just started flushes a partial second: a slope over
     * many samples past the warm-up is steadier than the difference of two readings).
     */
    private double rate() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long first = hashes();
        while (hashes() == first) {
            if (System.nanoTime() > deadline) fail("the hash counter did not move");
            Thread.sleep(50);
        }
        long start = System.nanoTime();
        List<double[]> samples = new ArrayList<>();
        while (System.nanoTime() - start < Duration.ofSeconds(14).toNanos()) {
            double t = (System.nanoTime() - start) / 1e9;
            long h = hashes();
            if (t >= 2) samples.add(new double[] {t, h});
            Thread.sleep(100);
        }
        double n = samples.size();
        double meanT = samples.stream().mapToDouble(x -> x[0]).sum() / n;
        double meanH = samples.stream().mapToDouble(x -> x[1]).sum() / n;
        double cov = samples.stream().mapToDouble(x -> (x[0] - meanT) * (x[1] - meanH)).sum();
        double var = samples.stream().mapToDouble(x -> (x[0] - meanT) * (x[0] - meanT)).sum();
        return cov / var;
    }

    private long hashes() throws Exception {
        String json = get(base, "/json").body();
        Matcher m = HASHES.matcher(json);
        assertTrue(m.find(), json);
        return m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private double medianSeconds(int port) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            HttpResponse<String> response = get(port, "/");
            times.add((System.nanoTime() - t) / 1e9);
            assertEquals(200, response.statusCode());
        }
        Collections.sort(times);
        return times.get(2);
    }

    private Result dockercoins(String... args) throws Exception {
        return stack.run(args);
    }

    private Process start(String... args) throws IOException {
        return stack.builder(args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The PID column of a replica in ps (the column before the ports). */
    private String pidOf(String replica) throws Exception {
        String line = dockercoins("ps").out().lines().filter(l -> l.contains("-" + replica + " ")).findFirst().orElseThrow();
        String[] columns = line.trim().split("\\s+");
        return columns[columns.length - 2];
    }

    private String dockercoinsQuietly(String... args) {
        try {
            return dockercoins(args).out();
        } catch (Exception e) {
            return "";
        }
    }

    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) lines.add(line);
            } catch (IOException e) {
                // the process ended
            }
        });
        return lines;
    }

}
