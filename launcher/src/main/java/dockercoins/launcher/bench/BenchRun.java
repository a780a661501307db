package dockercoins.launcher.bench;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.Pause;
import dockercoins.launcher.stack.Converge;
import dockercoins.launcher.stack.ConvergeMode;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of the bench: what its experiments share (the bench's own stack, the plan, the report,
 * the processes it started and whether Ctrl-C ended it), and the experiments in their order.
 */
public final class BenchRun {
    public static final String PROJECT = "dockercoins-bench";

    /** The lab as the workshop runs it: the defaults of every knob, whatever the user's .env says. */
    public static final Map<String, String> LAB = Map.of("RNG_DELAY", "0.1", "RNG_CONCURRENCY", "1", "HASHER_DELAY", "0.1",
            "WORKER_DELAY", "0.1", "DEBUG", "no");
    /** No teaching delays and no single-file rng, every other knob at its default: what the lab's code costs. */
    static final Map<String, String> TURBO_DEFAULTS = Map.of("RNG_DELAY", "0", "RNG_CONCURRENCY", "0", "HASHER_DELAY", "0",
            "WORKER_DELAY", "0", "DEBUG", "no");
    /**
     * The JDK's full tiered JIT (C1 then C2, two compiler threads, the default code cache and
     * thresholds) over jvm.flags' small C1-only profile: the JVM reads _JAVA_OPTIONS after the
     * command line, so these win.
     */
    static final String FULL_JIT = "-XX:TieredStopAtLevel=4 -XX:CICompilerCount=2 -XX:ReservedCodeCacheSize=240m"
            + " -XX:CompileThresholdScaling=1";
    /**
     * Turbo as a load generator runs it, every throughput knob on: the full JIT, no access-log line
     * per request, the worker's connections kept alive. The lab's defaults stay as they are.
     */
    static final Map<String, String> TURBO = with(TURBO_DEFAULTS,
            Map.of("_JAVA_OPTIONS", FULL_JIT, "ACCESS_LOG", "off", "KEEP_ALIVE", "on"));
    /** Turbo with the knobs but a new connection per call, as in the lab: what keep-alive buys. */
    static final Map<String, String> TURBO_NEW_CONNECTIONS = with(TURBO, Map.of("KEEP_ALIVE", "off"));

    public final Path projectDir;
    public final int portBase;
    public final Path results;
    final BenchPlan plan;
    final boolean useWrk;
    /** The user's environment (and .env): where programs are found (PATH), what Compose named the images. */
    final Map<String, String> environment;
    public final Progress progress;
    final PrintWriter stackLog;
    public final BenchReport report = new BenchReport();
    final Set<Process> spawned = ConcurrentHashMap.newKeySet();
    public final AtomicBoolean aborted = new AtomicBoolean();

    public BenchRun(Path projectDir, int portBase, Path results, BenchPlan plan, boolean useWrk, Map<String, String> environment,
                    Progress progress, PrintWriter stackLog) {
        this.projectDir = projectDir;
        this.environment = environment;
        this.portBase = portBase;
        this.results = results;
        this.plan = plan;
        this.useWrk = useWrk;
        this.progress = progress;
        this.stackLog = stackLog;
    }

    /** The bench's stack (its own project, in the jar snapshot) with these knobs; its output goes to launcher.log. */
    public Stack stack(Map<String, String> knobs) {
        Map<String, String> env = new HashMap<>(knobs); // the lab's knobs, not the user's
        if (environment.containsKey("PATH")) env.put("PATH", environment.get("PATH"));
        // the bench uses loopback only
        return new Stack(projectDir, PROJECT, portBase, Stack.LOOPBACK, env, stackLog);
    }

    /** Brings the stack to one redis, hasher and webui, and these many rng replicas and workers. */
    void converge(Stack stack, int rng, int workers) {
        Map<Service, Integer> counts = new EnumMap<>(Service.class);
        counts.put(Service.REDIS, 1);
        counts.put(Service.RNG, rng);
        counts.put(Service.HASHER, 1);
        counts.put(Service.WEBUI, 1);
        counts.put(Service.WORKER, workers);
        new Converge(stack).run(counts, ConvergeMode.UP);
    }

    private static Map<String, String> with(Map<String, String> knobs, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(knobs);
        all.putAll(more);
        return Map.copyOf(all);
    }

    /** Waits, unless Ctrl-C ended the run. */
    void pause(long millis) {
        if (aborted.get()) throw new LaunchException("interrupted");
        Pause.millis(millis);
    }

    void stopProcess(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            spawned.remove(p);
        }
    }

    /** Stops every process the run started, its stack included, and removes the stack's state (not the results). */
    public void stopEverything() {
        for (Process p : List.copyOf(spawned)) stopProcess(p);
        Thread.interrupted();
        Stack s = stack(LAB);
        s.supervisor.stopInOrder(s.replicas());
        s.removeAll();
    }

    static String plusMinus(double spread) {
        return Double.isNaN(spread) ? "" : "±" + Figure.num(spread) + " ";
    }
}
