package dockercoins.launcher.chaos;

import dockercoins.launcher.chaos.Plan.Event;
import dockercoins.launcher.chaos.ResilienceReport.Done;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code ./dockercoins chaos --every 45s --for 10m --seed 42}: the plan's events done on the
 * target one after the other, each undone after {@code --down} (a stopped replica started, a
 * fault ended; a killed one is started at once), the counters read all the while, and then the
 * resilience report. A run cut short (Ctrl-C) still undoes the event in progress.
 */
public final class ChaosRun {
    private final Target target;
    private final Plan plan;
    private final PrintWriter out;
    private final AtomicReference<Runnable> undo = new AtomicReference<>();

    public ChaosRun(Target target, Plan plan, PrintWriter out) {
        this.target = target;
        this.plan = plan;
        this.out = out;
    }

    /** The events this run would do, for these actions, on the target's replicas as they are now. */
    public List<Event> events(Set<Action> actions) {
        Set<Action> allowed = actions.stream().filter(target.actions()::contains).collect(Collectors.toSet());
        boolean killsOrStops = allowed.contains(Action.KILL) || allowed.contains(Action.STOP);
        return plan.events(killsOrStops ? target.replicas() : List.of(), List.copyOf(target.chaosUrls().keySet()), allowed);
    }

    public ResilienceReport run(List<Event> events) throws InterruptedException {
        Thread cutShort = Thread.ofPlatform().unstarted(() -> {
            Runnable pending = undo.getAndSet(null);
            if (pending != null) pending.run();
        });
        Runtime.getRuntime().addShutdownHook(cutShort);
        long t0 = System.nanoTime();
        List<Done> done = new ArrayList<>();
        try (Recorder recorder = new Recorder(target.counter(), t0)) {
            say(0, "reading " + target.counter().describe() + "; the baseline until the first event");
            for (Event e : events) {
                sleepUntil(t0, e.at());
                double at = recorder.seconds();
                String back = perform(e, t0);
                say(at, e.describe() + ": " + back);
                done.add(new Done(at, e.describe(), back));
            }
            sleepUntil(t0, plan.length());
            var report = new ResilienceReport(recorder.readings(), recorder.gaps(), done, recorder.seconds());
            Runtime.getRuntime().removeShutdownHook(cutShort);
            return report;
        }
    }

    /** Does the event, and undoes it after --down; says how it went, e.g. "started again after 1.4 s". */
    private String perform(Event e, long t0) throws InterruptedException {
        target.event("chaos: " + e.describe());
        long start = System.nanoTime();
        try {
            switch (e.action()) {
                case KILL -> {
                    target.kill(e.replica());
                    target.event("chaos: " + e.replica() + " back");
                    return "started again after " + seconds(start);
                }
                case STOP -> {
                    target.stop(e.replica());
                    undo.set(() -> quietly(() -> target.start(e.replica())));
                    sleepUntil(t0, e.at().plus(plan.down()));
                    undo.set(null);
                    target.start(e.replica());
                    target.event("chaos: " + e.replica() + " back");
                    return "started again after " + seconds(start);
                }
                case FAULT -> {
                    // looked up now: a replica started again since may serve /chaos on another port
                    URI url = target.chaosUrls().get(e.replica());
                    if (url == null) throw new IllegalStateException(e.replica() + " serves no /chaos now");
                    put(url, e.fault().set());
                    undo.set(() -> quietly(() -> put(url, e.fault().end())));
                    sleepUntil(t0, e.at().plus(plan.down()));
                    undo.set(null);
                    put(url, e.fault().end());
                    return "ended after " + seconds(start);
                }
                default -> throw new IllegalStateException(e.action().id());
            }
        } catch (InterruptedException interrupted) {
            throw interrupted;
        } catch (Exception failed) {
            return "FAILED: " + (failed.getMessage() != null ? failed.getMessage() : failed.getClass().getSimpleName());
        }
    }

    private static void put(URI url, String json) throws Exception {
        var answer = ChaosClient.send(url, json);
        if (!answer.ok()) throw new IllegalStateException(url + " answered " + answer.status() + ": " + answer.body());
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            // the run is being cut short: nothing more to say
        }
    }

    private void say(double at, String text) {
        out.println(ResilienceReport.clock(at) + "  " + text);
        out.flush();
    }

    private static void sleepUntil(long t0, Duration at) throws InterruptedException {
        long wait = t0 + at.toNanos() - System.nanoTime();
        if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
    }

    private static String seconds(long sinceNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - sinceNanos) / 1e9);
    }
}
