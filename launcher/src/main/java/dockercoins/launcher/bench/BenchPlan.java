package dockercoins.launcher.bench;

import java.util.List;

/**
 * What a bench run measures and for how long: the lab's steps, the turbo steps (workers), the
 * raw load, the start-up runs; warm-ups in milliseconds (new JVMs start and compile).
 */
public record BenchPlan(List<LabStep> lab, int labWarmMillis, int labSeconds, List<Integer> turbo, int turboWarmMillis,
                 int turboSeconds, int rawSeconds, int startupRuns, int idleMillis) {

    /** One step of the lab: this many workers against this many rng replicas. */
    record LabStep(int workers, int rng) {
    }

    public static BenchPlan of(boolean quick, Integer step) {
        if (quick) {
            int s = step != null ? step : 3;
            return new BenchPlan(List.of(new LabStep(1, 1), new LabStep(3, 1)), 1000, s,
                    List.of(1, 2), 1500, Math.max(2, s - 1), 2, 1, 300);
        }
        int s = step != null ? step : 20;
        return new BenchPlan(List.of(new LabStep(1, 1), new LabStep(2, 1), new LabStep(3, 1), new LabStep(5, 1),
                new LabStep(10, 1), new LabStep(10, 2), new LabStep(10, 3)), 5000, s,
                List.of(1, 2, 4, 8), 10_000, Math.max(2, s / 2), 10, 5, 1000);
    }

    int maxLabWorkers() {
        return lab.stream().mapToInt(LabStep::workers).max().orElse(1);
    }
}
