package dockercoins.launcher;

import static dockercoins.launcher.ScriptedStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dockercoins.launcher.ScriptedStack.Result;
import dockercoins.launcher.bench.RedisCounter;
import dockercoins.launcher.os.Ports;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault matrix through the launcher, with 3 workers: {@code kill -9} of rng, hasher, webui
 * and redis in turn (the pid the launcher records); {@code ps} shows the exit code; no worker
 * exits; {@code ./dockercoins start <service>} brings it back, and work resumes within 12 s of
 * the moment it accepts connections again; the counter never goes back, redis included (its
 * append-only file is fsynced on every write). Prints each resume time as an {@code e2e:} line.
 */
class FaultMatrixEndToEndTest {
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration RESUME_BOUND = Duration.ofSeconds(12);
    /** Two counter changes this close together are work, not the lone flush of a count held through the outage. */
    private static final long WORK_NANOS = Duration.ofSeconds(3).toNanos();

    private final ScriptedStack stack = new ScriptedStack("faults", 23000, 0, 1, 2);

    @AfterEach
    void down_whatever_happened() throws Exception {
        stack.run("down");
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // a guard against a hang
    void kill_9_of_each_service_shows_its_exit_code_and_work_resumes_within_12_s_of_its_return() throws Exception {
        ok(stack.run("up", "-d", "--scale", "worker=3"));
        List<Long> workers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) workers.add(pid("worker-" + i));
        Map<String, Double> resumed = new LinkedHashMap<>();
        try (CounterWatch counter = new CounterWatch(Integer.parseInt(stack.record("redis-1").getProperty("port")))) {
            await(Duration.ofSeconds(30), "the workers mine", () -> counter.firstWorkAfter(0, WORK_NANOS) > 0);
            for (String service : List.of("rng", "hasher", "webui", "redis")) {
                long pid = pid(service + "-1");
                assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor());
                await(Duration.ofSeconds(10), "ps shows " + service + "-1 exited (137)", () -> psLine(service + "-1").contains("exited (137)"));
                Thread.sleep(OUTAGE.toMillis());
                for (long w : workers) assertTrue(alive(w), "worker pid " + w + " exited while " + service + " was down");

                long back = start(service);
                long work = awaitWork(counter, back, Duration.ofSeconds(40));
                double seconds = (work - back) / 1e9;
                resumed.put(service, seconds);
                System.out.printf(Locale.ROOT, "e2e: fault matrix: kill -9 %s (ps: exited (137)), start %s: work resumed %.1f s "
                        + "after it accepted connections again%n", service, service, seconds);
                Thread.sleep(2000); // every worker back at work before the next fault
            }
            for (long w : workers) assertTrue(alive(w), "worker pid " + w + " exited");
            assertEquals(List.of(), counter.decreases(), "the counter never goes back");
            System.out.println("e2e: fault matrix: counter went from " + counter.first() + " to " + counter.last()
                    + " over " + counter.readings() + " readings, never back");
        }
        for (var e : resumed.entrySet()) {
            assertTrue(e.getValue() <= RESUME_BOUND.toSeconds(), "work resumed " + e.getValue() + " s after " + e.getKey()
                    + " returned (bound " + RESUME_BOUND.toSeconds() + " s); all: " + resumed);
        }
    }

    /** Runs {@code start service} and returns the moment the service's port accepts connections again. */
    private long start(String service) throws Exception {
        int port = Integer.parseInt(stack.record(service + "-1").getProperty("port"));
        Process start = stack.builder("start", service).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Ports.accepts(port)) {
            if (System.nanoTime() > deadline) fail(service + " did not accept connections within 60 s of start");
            Thread.sleep(20);
        }
        long back = System.nanoTime();
        assertTrue(start.waitFor(60, TimeUnit.SECONDS), "start " + service + " finished");
        assertEquals(0, start.exitValue(), "start " + service);
        assertTrue(psLine(service + "-1").contains(" Up "), psLine(service + "-1"));
        return back;
    }

    private static long awaitWork(CounterWatch counter, long since, Duration timeout) throws InterruptedException {
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long t = counter.firstWorkAfter(since, WORK_NANOS);
            if (t > 0) return t;
            Thread.sleep(100);
        }
        fail("no work within " + timeout.toSeconds() + " s of the service's return; counter changes: " + counter.changesAfter(since));
        return 0;
    }

    private String psLine(String replica) {
        try {
            Result ps = stack.run("ps");
            return ps.out().lines().filter(l -> l.startsWith(stack.project + "-" + replica + " ")).findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private long pid(String replica) throws IOException {
        return Long.parseLong(stack.record(replica).getProperty("pid"));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    /**
     * Reads the counter {@code hashes} every 100 ms from its own thread, reconnecting while Redis
     * is down, and keeps the times it changed and every reading lower than one before.
     */
    static final class CounterWatch implements AutoCloseable {
        private final int port;
        private final List<long[]> changes = new ArrayList<>();
        private final List<String> decreases = new ArrayList<>();
        private final Thread thread;
        private long max = Long.MIN_VALUE;
        private long first = Long.MIN_VALUE;
        private long last = Long.MIN_VALUE;
        private int readings;
        private volatile boolean running = true;

        CounterWatch(int port) {
            this.port = port;
            this.thread = Thread.ofVirtual().start(this::watch);
        }

        private void watch() {
            while (running) {
                try (RedisCounter redis = new RedisCounter("redis://127.0.0.1:" + port)) {
                    while (running) {
                        record(redis.get("hashes"));
                        Thread.sleep(100);
                    }
                } catch (IOException e) {
                    pause();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                running = false;
            }
        }

        private synchronized void record(long value) {
            readings++;
            if (first == Long.MIN_VALUE) first = value;
            if (value < max) decreases.add(value + " after " + max);
            if (value != last && last != Long.MIN_VALUE) changes.add(new long[] {System.nanoTime(), value});
            last = value;
            max = Math.max(max, value);
        }

        /** The time of the first change after {@code since} that another change follows within {@code within}; 0 if none yet. */
        synchronized long firstWorkAfter(long since, long within) {
            List<long[]> after = changesAfter(since);
            for (int i = 0; i + 1 < after.size(); i++) {
                if (after.get(i + 1)[0] - after.get(i)[0] <= within) return after.get(i)[0];
            }
            return 0;
        }

        synchronized List<long[]> changesAfter(long since) {
            return changes.stream().filter(c -> c[0] >= since).toList();
        }

        synchronized List<String> decreases() {
            return List.copyOf(decreases);
        }

        synchronized long first() {
            return first;
        }

        synchronized long last() {
            return last;
        }

        synchronized int readings() {
            return readings;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(10));
        }
    }
}
