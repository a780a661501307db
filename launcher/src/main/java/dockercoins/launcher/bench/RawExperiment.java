package dockercoins.launcher.bench;

import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The bench's raw experiment: rng and hasher without delays, loaded by wrk (or the built-in
 * generator) with the workers stopped: requests/s and latency percentiles of each.
 */
final class RawExperiment {
    private final BenchRun run;
    private final Stack turbo;

    RawExperiment(BenchRun run, Stack turbo) {
        this.run = run;
        this.turbo = turbo;
    }

    void run() {
        run.progress.live("raw: stopping the workers");
        run.converge(turbo, 1, 0);
        Duration d = Duration.ofSeconds(run.plan.rawSeconds());
        run.progress.live("raw: rng GET /32 for " + d.toSeconds() + " s");
        LoadGenerator.Result rng = load(URI.create("http://127.0.0.1:" + turbo.publishedPort(Service.RNG) + "/32"), null, d);
        report("rng_get_32", "rng GET /32", rng);
        run.progress.live("raw: hasher POST / for " + d.toSeconds() + " s");
        LoadGenerator.Result hasher = load(URI.create("http://127.0.0.1:" + turbo.publishedPort(Service.HASHER) + "/"), new byte[32], d);
        report("hasher_post", "hasher POST /", hasher);
        run.report.about.put("load generator", rng.tool() + ", 32 connections, " + d.toSeconds() + " s per endpoint");
    }

    private LoadGenerator.Result load(URI url, byte[] body, Duration d) {
        return LoadGenerator.run(run.useWrk, url, body, 32, d, run.results, run.spawned);
    }

    private void report(String key, String name, LoadGenerator.Result r) {
        String k = "raw." + key;
        BenchReport report = run.report;
        report.add(Figure.of(k + ".req_per_s", name + ": requests/s", r.requestsPerSecond(), "req/s")
                .samples((int) Math.min(Integer.MAX_VALUE, r.requests())));
        report.add(Figure.of(k + ".p50_ms", name + ": latency p50", r.p50Ms(), "ms"));
        report.add(Figure.of(k + ".p90_ms", name + ": latency p90", r.p90Ms(), "ms"));
        report.add(Figure.of(k + ".p99_ms", name + ": latency p99", r.p99Ms(), "ms"));
        report.add(Figure.of(k + ".errors", name + ": errors", r.errors(), ""));
        run.progress.done(String.format(Locale.ROOT, "raw   %-19s %7.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors (%s)",
                name, r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.errors(), r.tool()));
    }
}
