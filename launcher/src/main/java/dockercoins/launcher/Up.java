package dockercoins.launcher;

import dockercoins.launcher.os.Pause;
import dockercoins.launcher.stack.Build;
import dockercoins.launcher.stack.Converge;
import dockercoins.launcher.stack.ConvergeMode;
import dockercoins.launcher.stack.LogStream;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code ./dockercoins up}: builds what is stale, then converges the stack (see {@link Converge}); attached, it follows the logs. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Builds the jars if needed, then creates and starts the replicas. "
                + "On a running stack it converges: it starts or stops only what the new counts need.",
                "Without -d it shows the aggregated logs; Ctrl-C stops the stack."})
final class Up implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = {"-d", "--detach"}, description = "Start in the background and return.")
    boolean detach;

    @Option(names = "--scale", paramLabel = "SERVICE=NUM", converter = ScaleSpec.Converter.class,
            description = "Run NUM replicas of SERVICE (e.g. worker=10); other services keep their current count (1 at first).")
    List<ScaleSpec> scales = new ArrayList<>();

    @Option(names = "--build", description = "Build the jars even if they are newer than their sources.")
    boolean build;

    @Option(names = "--no-build", description = "Never build, and keep running replicas even if their jar was rebuilt meanwhile.")
    boolean noBuild;

    @Option(names = "--with", paramLabel = "EXTRA",
            description = "Also run an extra service: prometheus (from PATH; published on 9090, port base + 1090, scraping "
                    + "rng, hasher, webui and the workers, which then serve /metrics on METRICS_PORT). Remembered until down.")
    List<String> extras = new ArrayList<>();

    @Option(names = "--no-color", description = "Print the logs without colours.")
    boolean noColor;

    @Override
    public Integer call() throws Exception {
        if (build && noBuild) throw invocation.usageError("--build and --no-build exclude each other");
        List<Service> services = names.services();
        PrintWriter out = invocation.out();
        Stack stack = invocation.stackOfADockerCoinsProject();
        for (String extra : extras) {
            if (!extra.equals(Service.PROMETHEUS.id())) {
                throw invocation.usageError("unknown extra \"" + extra + "\" for --with (extras: prometheus)");
            }
        }
        if (!extras.isEmpty() || services.contains(Service.PROMETHEUS)) stack.withPrometheus();
        Map<Service, Integer> wanted = wanted(stack, services, scales);
        List<Replica> before = stack.replicas();
        try (AutoCloseable lock = stack.lock()) {
            converge(stack, wanted, build, noBuild);
        }
        if (detach) return 0;
        return attach(stack, EnumSet.copyOf(wanted.keySet()), before, out);
    }

    /**
     * What up and scale do under the lock: check the published ports, build what is stale (all with
     * {@code build}, none with {@code noBuild}), then bring each service to its count.
     */
    static void converge(Stack stack, Map<Service, Integer> wanted, boolean build, boolean noBuild) {
        Converge converge = new Converge(stack);
        converge.preflight(wanted);
        if (noBuild) {
            converge.keepReplicasOfRebuiltJars();
        } else {
            Build.ensure(stack.projectDir, stack.home, wanted.keySet(), build, stack.out);
        }
        converge.run(wanted, ConvergeMode.UP);
    }

    /** Services named on the command line (all by default) at their --scale, else their current count, else 1. */
    static Map<Service, Integer> wanted(Stack stack, List<Service> services, List<ScaleSpec> scales) {
        Map<Service, Integer> wanted = new EnumMap<>(Service.class);
        for (Service s : services.isEmpty() ? Service.compose() : services) {
            int current = stack.replicas(s).size();
            wanted.put(s, current > 0 ? current : 1);
        }
        if (services.isEmpty() && stack.prometheus()) wanted.put(Service.PROMETHEUS, 1);
        for (ScaleSpec scale : scales) wanted.put(scale.service(), scale.replicas());
        return wanted;
    }

    /** Compose's attached mode: logs of the selected services until Ctrl-C, which stops them gracefully. */
    private int attach(Stack stack, Set<Service> selected, List<Replica> before, PrintWriter out) {
        LogStream logs = new LogStream(stack, out, invocation.launcher().terminal().colour(noColor), false);
        for (Replica r : stack.replicas()) {
            if (!selected.contains(r.service())) continue;
            boolean wasRunning = before.stream().anyMatch(b -> b.shortName().equals(r.shortName()) && b.pid() == r.pid());
            logs.startAt(r, wasRunning ? LogStream.size(stack.state.logFile(r)) : 0);
        }
        out.println("Attaching to " + String.join(", ", stack.replicas().stream()
                .filter(r -> selected.contains(r.service())).map(Replica::shortName).toList())
                + " (Ctrl-C stops them)");
        out.flush();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (stopping.getAndSet(true)) {
                Runtime.getRuntime().halt(130);
            }
            Thread.ofPlatform().name("stop").start(() -> {
                out.println("Gracefully stopping... (press Ctrl+C again to force)");
                out.flush();
                try (AutoCloseable lock = stack.lock()) {
                    stack.supervisor.stopInOrder(stack.replicas().stream().filter(r -> selected.contains(r.service())).toList());
                } catch (Exception e) {
                    out.println("dockercoins: " + e.getMessage());
                } finally {
                    stopped.set(true);
                }
            });
        };
        for (String name : List.of("INT", "TERM", "HUP")) Signal.handle(new Signal(name), handler);
        logs.follow(selected, stopped::get, true);
        while (stopping.get() && !stopped.get()) Pause.millis(50);
        return stopping.get() ? 130 : 0;
    }
}
