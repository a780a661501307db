package dockercoins.launcher.bench;

import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Stack;
import java.io.IOException;
import java.util.List;

/** What a bench runs: its experiments in their order, each leaving the stack as the next expects; or a soak. */
public final class Experiments {
    private Experiments() {
    }

    /** Start-up, the lab, turbo, raw load: each leaves the stack as the next one expects. */
    public static void all(BenchRun run) throws IOException {
        Stack lab = run.stack(BenchRun.LAB);
        run.progress.live("Starting redis, rng, hasher and webui");
        run.converge(lab, 1, 0);
        try (RedisCounter redis = new RedisCounter(lab.redisUrl())) {
            new StartupExperiment(run, lab, redis).run();
            new LabExperiment(run, lab, redis).run();
            Stack turbo = run.stack(BenchRun.TURBO);
            new TurboExperiment(run, turbo, redis).run();
            new RawExperiment(run, turbo).run();
        }
        new ImageSizes(run).run();
        run.report.about.put("load average at end", ProcessView.loadAverage());
        List<String> phases = List.of("lab", "turbo", "raw", "startup", "memory", "image");
        run.report.figures.sort((a, b) -> Integer.compare(phases.indexOf(a.phase()), phases.indexOf(b.phase())));
    }

    /** bench --soak: the lab's delays, many workers, for a long while. */
    public static SoakReport soak(BenchRun run, SoakPlan soak) throws IOException {
        Stack lab = run.stack(BenchRun.LAB);
        run.progress.live("Starting redis, rng, hasher and webui");
        run.converge(lab, 1, 0);
        try (RedisCounter redis = new RedisCounter(lab.redisUrl())) {
            SoakReport samples = new SoakExperiment(run, lab, redis, soak).run();
            run.report.about.put("load average at end", ProcessView.loadAverage());
            return samples;
        }
    }
}
