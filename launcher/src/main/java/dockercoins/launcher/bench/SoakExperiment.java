package dockercoins.launcher.bench;

import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.LogLine;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's soak ({@code bench --soak DURATION}): many workers with the lab's delays for a long
 * while, sampled every few seconds: the counter (hashes/s over time), every replica's RSS (its
 * slope, least squares, in MB per minute: a leak shows as a steady positive slope), and errors:
 * the workers' {@code Waiting 10s} lines, and failed requests of a browser on webui's /json and
 * of probes on rng's and hasher's {@code GET /}.
 */
final class SoakExperiment {
    private final BenchRun run;
    private final Stack lab;
    private final RedisCounter redis;
    private final SoakPlan plan;

    SoakExperiment(BenchRun run, Stack lab, RedisCounter redis, SoakPlan plan) {
        this.run = run;
        this.lab = lab;
        this.redis = redis;
        this.plan = plan;
    }

    SoakReport run() throws IOException {
        int n = plan.workers();
        run.progress.live("soak: starting " + n + " workers");
        run.converge(lab, 1, n);
        long warmEnd = System.nanoTime() + plan.warmUp().toNanos();
        while (System.nanoTime() < warmEnd) {
            run.progress.live("soak: " + n + " workers, warming up " + ((warmEnd - System.nanoTime()) / 1_000_000_000L + 1) + " s");
            run.pause(200);
        }
        List<Replica> replicas = lab.replicas().stream().filter(Replica::isRunning).toList();
        SoakReport report = new SoakReport(replicas.stream().map(Replica::shortName).toList());
        Instant from = Instant.now();
        long t0 = System.nanoTime();
        long end = t0 + plan.duration().toNanos();
        long interval = plan.interval().toNanos();
        HttpProbe browser = new HttpProbe(List.of(port(Service.WEBUI)), "/json", Duration.ofSeconds(1), 5000, end, run.aborted);
        HttpProbe rng = new HttpProbe(List.of(port(Service.RNG)), "/", plan.interval(), 10_000, end, run.aborted);
        HttpProbe hasher = new HttpProbe(List.of(port(Service.HASHER)), "/", plan.interval(), 10_000, end, run.aborted);
        for (long next = t0; ; next += interval) {
            long now = System.nanoTime();
            Map<String, Double> rss = new LinkedHashMap<>();
            for (Replica r : replicas) rss.put(r.shortName(), ProcessView.memory(r.pid()).rssMb());
            report.samples.add(new SoakReport.Sample((now - t0) / 1e9, redis.get("hashes"), rss));
            run.progress.live(String.format(Locale.ROOT, "soak: %d workers, %d/%d s, %s hashes/s, errors: %d /json, %d rng, %d hasher",
                    n, (now - t0) / 1_000_000_000L, plan.duration().toSeconds(), Figure.num(report.rate(0, 1)),
                    browser.errors(), rng.errors(), hasher.errors()));
            if (now >= end) break;
            run.pause(Math.max(0, (next + interval - System.nanoTime()) / 1_000_000));
        }
        for (HttpProbe p : List.of(browser, rng, hasher)) p.join();
        figures(report, waits(from, Instant.now()), browser, rng, hasher);
        return report;
    }

    private void figures(SoakReport report, int waits, HttpProbe browser, HttpProbe rng, HttpProbe hasher) {
        BenchReport r = run.report;
        int samples = report.samples.size();
        String name = plan.workers() + " workers, " + SoakPlan.format(plan.duration());
        r.add(Figure.of("soak.hashes_per_s", name + ": hashes/s", report.rate(0, 1), "h/s")
                .spread(Statistics.stdev(report.intervalRates()), samples));
        r.add(Figure.of("soak.hashes_per_s_first_tenth", "hashes/s, first tenth", report.rate(0, 0.1), "h/s"));
        r.add(Figure.of("soak.hashes_per_s_last_tenth", "hashes/s, last tenth", report.rate(0.9, 1), "h/s"));
        r.add(Figure.of("soak.worker_waits", "worker 'Waiting 10s' lines", waits, "lines").samples(plan.workers()));
        r.add(Figure.of("soak.json_errors", "webui GET /json errors (of " + browser.count() + ")", browser.errors(), "errors")
                .samples(browser.count()));
        r.add(Figure.of("soak.rng_get_errors", "rng GET / errors (of " + rng.count() + ")", rng.errors(), "errors").samples(rng.count()));
        r.add(Figure.of("soak.hasher_get_errors", "hasher GET / errors (of " + hasher.count() + ")", hasher.errors(), "errors")
                .samples(hasher.count()));
        List<Double> rngMs = Statistics.sorted(rng.millis());
        r.add(Figure.of("soak.rng_get_p50_ms", "rng GET / p50", Statistics.quantile(rngMs, 0.5), "ms").samples(rngMs.size()));
        r.add(Figure.of("soak.rng_get_p99_ms", "rng GET / p99", Statistics.quantile(rngMs, 0.99), "ms").samples(rngMs.size()));
        for (Service s : List.of(Service.REDIS, Service.RNG, Service.HASHER, Service.WEBUI)) {
            String replica = s + "-1";
            String key = "soak." + s;
            r.add(Figure.of(key + ".rss_slope_mb_per_min", replica + ": RSS slope", report.slope(replica, 0), "MB/min").samples(samples));
            r.add(Figure.of(key + ".rss_slope_2nd_half_mb_per_min", replica + ": RSS slope, 2nd half", report.slope(replica, 0.5),
                    "MB/min"));
            r.add(Figure.of(key + ".rss_mb_start", replica + ": RSS at start", report.rss(replica, 0), "MB"));
            r.add(Figure.of(key + ".rss_mb_end", replica + ": RSS at end", report.rss(replica, samples - 1), "MB"));
        }
        List<String> workers = report.replicas.stream().filter(x -> x.startsWith("worker-")).toList();
        List<Double> slopes = workers.stream().map(w -> report.slope(w, 0)).toList();
        List<Double> late = workers.stream().map(w -> report.slope(w, 0.5)).toList();
        int max = slopes.indexOf(Collections.max(slopes));
        String mean = " (mean of " + workers.size() + ")";
        r.add(Figure.of("soak.worker.rss_slope_mb_per_min", "workers: RSS slope" + mean, Statistics.mean(slopes), "MB/min")
                .spread(Statistics.stdev(slopes), workers.size()));
        r.add(Figure.of("soak.worker.rss_slope_2nd_half_mb_per_min", "workers: RSS slope, 2nd half" + mean, Statistics.mean(late), "MB/min")
                .spread(Statistics.stdev(late), workers.size()));
        r.add(Figure.of("soak.worker.rss_slope_max_mb_per_min", "workers: steepest RSS slope (" + workers.get(max) + ")",
                slopes.get(max), "MB/min"));
        r.add(Figure.of("soak.worker.rss_mb_end", "workers: RSS at end" + mean,
                Statistics.mean(workers.stream().map(w -> report.rss(w, samples - 1)).toList()), "MB"));
        run.progress.done(String.format(Locale.ROOT, "soak  %s: %.2f hashes/s (first tenth %.2f, last tenth %.2f); %d 'Waiting 10s'; "
                        + "errors %d /json, %d rng, %d hasher; RSS slope MB/min: rng %.3f, hasher %.3f, webui %.3f, redis %.3f, "
                        + "workers %.3f (max %.3f)", name, report.rate(0, 1), report.rate(0, 0.1), report.rate(0.9, 1), waits,
                browser.errors(), rng.errors(), hasher.errors(), report.slope("rng-1", 0), report.slope("hasher-1", 0),
                report.slope("webui-1", 0), report.slope("redis-1", 0), Statistics.mean(slopes), slopes.get(max)));
    }

    /** The workers' "Waiting 10s and restarting." lines written during the soak. */
    private int waits(Instant from, Instant to) throws IOException {
        int waits = 0;
        for (Replica r : lab.replicas(Service.WORKER)) {
            for (String raw : Files.readAllLines(lab.state.logFile(r))) {
                LogLine line = LogLine.parse(raw);
                if (line.time() != null && !line.time().isBefore(from) && !line.time().isAfter(to)
                        && line.text().contains("Waiting 10s")) waits++;
            }
        }
        return waits;
    }

    private int port(Service s) {
        return lab.replicas(s).stream().filter(r -> r.index() == 1).findFirst().map(Replica::port).orElse(lab.publishedPort(s));
    }

}
