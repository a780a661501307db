package dockercoins.launcher.bench;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures one step of the bench on a running stack: hashes/s from the times the counter
 * {@code hashes} changed (each change is a worker's INCRBY: the hashes between the first and the
 * last change over the time between them, so the once-a-second flushes do not round the rate),
 * the CPU the stack's processes used, and, if asked, the latency of rng and hasher as httping sees it.
 */
final class StepMeter {
    /** What one step measured; latencies in milliseconds. */
    record Window(double rate, double spread, int samples, double seconds, double cpu, double supervisorCpu,
                  List<Double> rngMs, List<Double> hasherMs) {
    }

    private final BenchRun run;
    private final RedisCounter redis;

    StepMeter(BenchRun run, RedisCounter redis) {
        this.run = run;
        this.redis = redis;
    }

    Window measure(Stack stack, String name, int warmMillis, int seconds, boolean probes) {
        long warmEnd = System.nanoTime() + Duration.ofMillis(warmMillis).toNanos();
        while (System.nanoTime() < warmEnd) {
            run.progress.live(name + ": warming up " + Math.max(0, (warmEnd - System.nanoTime()) / 1_000_000_000L + 1) + " s");
            run.pause(200);
        }
        List<Replica> replicas = stack.replicas().stream().filter(Replica::isRunning).toList();
        List<Long> pids = replicas.stream().map(Replica::pid).toList();
        List<Long> supervisors = pids.stream().map(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(ProcessHandle::pid).orElse(-1L)).filter(pid -> pid > 0).toList();
        Map<Long, Double> cpu0 = cpu(pids);
        Map<Long, Double> sup0 = cpu(supervisors);
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<HttpProbe> started = new ArrayList<>();
        HttpProbe rng = null;
        HttpProbe hasher = null;
        if (probes) {
            rng = new HttpProbe(ports(replicas, Service.RNG), "/", Duration.ofMillis(500), 5000, end, run.aborted);
            hasher = new HttpProbe(ports(replicas, Service.HASHER), "/", Duration.ofMillis(500), 5000, end, run.aborted);
            // A browser on the web UI, as in the lab: /json every second.
            HttpProbe browser = new HttpProbe(ports(replicas, Service.WEBUI), "/json", Duration.ofSeconds(1), 5000, end, run.aborted);
            started.addAll(List.of(rng, hasher, browser));
        }
        List<long[]> changes = new ArrayList<>();
        long last = Long.MIN_VALUE;
        try {
            while (System.nanoTime() < end) {
                long h = redis.get("hashes");
                long now = System.nanoTime();
                if (h != last) {
                    if (last != Long.MIN_VALUE) changes.add(new long[] {now, h});
                    last = h;
                }
                double r = rate(changes, start, end);
                List<Double> rngMs = rng != null ? rng.millis() : List.of();
                String latency = !rngMs.isEmpty() ? String.format(Locale.ROOT, ", rng GET / %.0f ms",
                        rngMs.get(rngMs.size() - 1)) : "";
                run.progress.live(String.format(Locale.ROOT, "%s: %d/%d s, %s hashes/s%s", name, (now - start) / 1_000_000_000L,
                        seconds, Double.isNaN(r) ? "…" : Figure.num(r), latency));
                run.pause(100);
            }
        } catch (IOException e) {
            throw new LaunchException("cannot read the counter from redis: " + e.getMessage());
        } finally {
            for (HttpProbe p : started) p.join();
        }
        double window = (System.nanoTime() - start) / 1e9;
        // Spread: the rate over each of a few equal parts of the step.
        int parts = Math.max(2, seconds / 5);
        List<Double> partRates = new ArrayList<>();
        long part = (end - start) / parts;
        for (int i = 0; i < parts; i++) {
            double r = rate(changes, start + i * part, start + (i + 1) * part);
            if (!Double.isNaN(r)) partRates.add(r);
        }
        return new Window(rate(changes, start, end), Statistics.stdev(partRates), changes.size(), window,
                delta(cpu0, cpu(pids)), delta(sup0, cpu(supervisors)), rng != null ? rng.millis() : List.of(),
                hasher != null ? hasher.millis() : List.of());
    }

    private static double rate(List<long[]> changes, long from, long to) {
        long[] first = null;
        long[] last = null;
        for (long[] c : changes) {
            if (c[0] < from || c[0] > to) continue;
            if (first == null) first = c;
            last = c;
        }
        if (first == null || last == first || last[0] == first[0]) return Double.NaN;
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }

    private static List<Integer> ports(List<Replica> replicas, Service s) {
        return replicas.stream().filter(r -> r.service() == s).map(Replica::port).toList();
    }

    private static Map<Long, Double> cpu(List<Long> pids) {
        Map<Long, Double> m = new HashMap<>();
        for (long pid : pids) m.put(pid, ProcessView.cpuSeconds(pid));
        return m;
    }

    /** CPU seconds spent between two snapshots by the processes alive at both. */
    private static double delta(Map<Long, Double> before, Map<Long, Double> after) {
        double sum = 0;
        for (var e : before.entrySet()) {
            double b = e.getValue();
            double a = after.getOrDefault(e.getKey(), -1.0);
            if (a >= 0 && b >= 0 && a >= b) sum += a - b;
        }
        return sum;
    }
}
