package dockercoins.launcher.bench;

import dockercoins.launcher.stack.Stack;
import java.util.Locale;
import java.util.Map;

/**
 * The bench's turbo experiment: the stack without its teaching delays and without single-file
 * rng, so hashes/s show what the code costs: hashes per CPU-second of the stack, with the
 * throughput knobs on (the full JIT, no access log, keep-alive), then with none of them, and with all
 * but keep-alive (a new connection per call, as in the lab).
 */
final class TurboExperiment {
    private final BenchRun run;
    private final Stack turbo;
    private final StepMeter meter;

    TurboExperiment(BenchRun run, Stack turbo, RedisCounter redis) {
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
        int workers = Math.min(4, run.plan.turbo().getLast());
        compare(BenchRun.TURBO_DEFAULTS, "defaults", "knobs off", workers);
        compare(BenchRun.TURBO_NEW_CONNECTIONS, "new_connections", "KEEP_ALIVE=off", workers);
    }

    /** The same step with other knobs, side by side with the sweep above: what each knob buys. */
    private void compare(Map<String, String> knobs, String id, String name, int workers) {
        Stack stack = run.stack(knobs);
        String label = workers + " workers, " + name;
        run.progress.live("turbo: " + label + ", starting");
        run.converge(stack, 1, workers);
        StepMeter.Window w = meter.measure(stack, "turbo: " + label, run.plan.turboWarmMillis(), run.plan.turboSeconds(), false);
        double perCpu = w.rate() * w.seconds() / w.cpu();
        run.report.add(Figure.of("turbo." + id + ".hashes_per_cpu_s", label + ": hashes per CPU-s", perCpu, "h/CPU-s"));
        run.progress.done(String.format(Locale.ROOT, "turbo %s: %.0f hashes/s, %.0f hashes per CPU-second", label, w.rate(), perCpu));
    }
}
