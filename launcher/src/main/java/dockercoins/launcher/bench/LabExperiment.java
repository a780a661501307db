package dockercoins.launcher.bench;

import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.util.List;
import java.util.Locale;

/**
 * The bench's lab experiment: the workshop's scaling steps with their delays (1, 2, 3, 5, 10
 * workers, then rng scaled out), hashes/s beside the ideal, rng's and hasher's latency; and the
 * memory of every replica at the busiest step.
 */
final class LabExperiment {
    private final BenchRun run;
    private final Stack lab;
    private final StepMeter meter;

    LabExperiment(BenchRun run, Stack lab, RedisCounter redis) {
        this.run = run;
        this.lab = lab;
        this.meter = new StepMeter(run, redis);
    }

    void run() {
        List<BenchPlan.LabStep> steps = run.plan.lab();
        for (int n = 1; n <= steps.size(); n++) {
            BenchPlan.LabStep step = steps.get(n - 1);
            int workers = step.workers();
            String name = workers + (workers == 1 ? " worker" : " workers") + (step.rng() > 1 ? ", rng x" + step.rng() : "");
            String key = "lab.workers_" + workers + (step.rng() > 1 ? "_rng_" + step.rng() : "");
            String title = "lab " + n + "/" + steps.size() + ": " + name;
            run.progress.live(title + ", starting");
            run.converge(lab, step.rng(), workers);
            StepMeter.Window w = meter.measure(lab, title, run.plan.labWarmMillis(), run.plan.labSeconds(), true);
            double ideal = BenchTargets.ideal(workers, step.rng());
            run.report.add(Figure.of(key + ".hashes_per_s", name + ": hashes/s", w.rate(), "h/s")
                    .spread(w.spread(), w.samples()).ideal(ideal));
            List<Double> rngMs = Statistics.sorted(w.rngMs());
            List<Double> hasherMs = Statistics.sorted(w.hasherMs());
            latency(key + ".rng_get", name + ": rng GET /", rngMs);
            latency(key + ".hasher_get", name + ": hasher GET /", hasherMs);
            run.progress.done(String.format(Locale.ROOT, "lab   %-19s %6.2f hashes/s %s(ideal %.2f); rng GET / p50 %.0f ms p99 %.0f ms;"
                            + " hasher GET / p50 %.1f ms p99 %.1f ms", name, w.rate(), BenchRun.plusMinus(w.spread()), ideal,
                    Statistics.quantile(rngMs, 0.5), Statistics.quantile(rngMs, 0.99),
                    Statistics.quantile(hasherMs, 0.5), Statistics.quantile(hasherMs, 0.99)));
            if (workers == run.plan.maxLabWorkers() && step.rng() == 1) memory(workers);
        }
    }

    private void aboveFloor(Service s, ProcessView.Memory m, ProcessView.Memory floor) {
        run.report.add(Figure.of("memory." + s + ".rss_above_floor_mb", s + ": RSS above the floor", m.rssMb() - floor.rssMb(), "MB"));
    }

    private void latency(String key, String label, List<Double> sortedMs) {
        run.report.add(Figure.of(key + "_p50_ms", label + " p50", Statistics.quantile(sortedMs, 0.5), "ms").samples(sortedMs.size()));
        run.report.add(Figure.of(key + "_p99_ms", label + " p99", Statistics.quantile(sortedMs, 0.99), "ms").samples(sortedMs.size()));
    }

    /**
     * Memory of every replica under the lab's load, and of all workers together; and each Java
     * service's RSS above the runtime's floor, measured meanwhile.
     */
    private void memory(int workers) {
        BenchReport report = run.report;
        ProcessView.Memory floor = new FloorExperiment(run, lab).measure();
        report.add(Figure.of("memory.floor.rss_mb", "floor (JDK HttpServer, same flags): RSS", floor.rssMb(), "MB").samples(1));
        report.add(Figure.of("memory.floor.pss_mb", "floor (JDK HttpServer, same flags): PSS", floor.pssMb(), "MB"));
        for (Service s : List.of(Service.RNG, Service.HASHER, Service.WEBUI, Service.REDIS)) {
            ProcessView.Memory m = lab.replicas(s).stream().filter(r -> r.index() == 1).findFirst()
                    .map(r -> ProcessView.memory(r.pid())).orElse(ProcessView.Memory.NONE);
            report.add(Figure.of("memory." + s + ".rss_mb", s + ": RSS under lab load", m.rssMb(), "MB").samples(1));
            report.add(Figure.of("memory." + s + ".pss_mb", s + ": PSS under lab load", m.pssMb(), "MB"));
            if (s.isJava()) aboveFloor(s, m, floor);
        }
        List<Replica> ws = lab.replicas(Service.WORKER);
        ProcessView.Memory all = ProcessView.Memory.NONE;
        for (Replica r : ws) all = all.plus(ProcessView.memory(r.pid()));
        int n = Math.max(1, ws.size());
        String mean = " (mean of " + ws.size() + ")";
        report.add(Figure.of("memory.worker.rss_mb", "worker: RSS under lab load" + mean, all.rssMb() / n, "MB").samples(ws.size()));
        report.add(Figure.of("memory.worker.pss_mb", "worker: PSS under lab load" + mean, all.pssMb() / n, "MB"));
        aboveFloor(Service.WORKER, new ProcessView.Memory(all.rssMb() / n, all.pssMb() / n), floor);
        String together = "memory.workers_" + workers + "_together";
        report.add(Figure.of(together + ".rss_mb", workers + " workers together: RSS", all.rssMb(), "MB").samples(ws.size()));
        report.add(Figure.of(together + ".pss_mb", workers + " workers together: PSS", all.pssMb(), "MB").samples(ws.size()));
    }
}
