package dockercoins.launcher;

import java.util.Locale;

/**
 * The bench's turbo experiment: the stack without its teaching delays and without single-file
 * rng, so hashes/s show what the code costs: hashes per CPU-second of the stack.
 */
final class TurboExperiment {
    private final BenchRun run;
    private final Stack turbo;
    private final StepMeter meter;

    TurboExperiment(BenchRun run, Stack turbo, Probes.Redis redis) {
        this.run = run;
        this.turbo = turbo;
        this.meter = new StepMeter(run, redis);
    }

    void run() {
        double hashes = 0;
        double cpu = 0;
        double cpuWithSupervisors = 0;
        for (int workers : run.plan.turbo()) {
            String name = workers + (workers == 1 ? " worker" : " workers");
            String key = "turbo.workers_" + workers;
            run.progress.live("turbo: " + name + ", starting");
            run.converge(turbo, 1, workers);
            StepMeter.Window w = meter.measure(turbo, "turbo: " + name, run.plan.turboWarmMillis(), run.plan.turboSeconds(), false);
            double perCpu = w.rate() * w.seconds() / w.cpu();
            run.report.add(Figure.of(key + ".hashes_per_s", name + ": hashes/s", w.rate(), "h/s").spread(w.spread(), w.samples()));
            run.report.add(Figure.of(key + ".hashes_per_cpu_s", name + ": hashes per CPU-second", perCpu, "h/CPU-s"));
            run.report.add(Figure.of(key + ".cpu_cores", name + ": CPU used by the stack", w.cpu() / w.seconds(), "cores"));
            if (!Double.isNaN(w.rate())) {
                hashes += w.rate() * w.seconds();
                cpu += w.cpu();
                cpuWithSupervisors += w.cpu() + w.supervisorCpu();
            }
            run.progress.done(String.format(Locale.ROOT, "turbo %-19s %7.0f hashes/s %s, %.0f hashes per CPU-second (%.2f cores)",
                    name, w.rate(), BenchRun.plusMinus(w.spread()), perCpu, w.cpu() / w.seconds()));
        }
        run.report.add(Figure.of("turbo.hashes_per_cpu_s", "hashes per CPU-second (services + redis)", hashes / cpu, "h/CPU-s")
                .samples(run.plan.turbo().size()));
        run.report.add(Figure.of("turbo.hashes_per_cpu_s_with_log_supervisors", "hashes per CPU-s, with the log supervisors",
                hashes / cpuWithSupervisors, "h/CPU-s"));
    }
}
