package dockercoins.launcher;

import dockercoins.launcher.chaos.Action;
import dockercoins.launcher.chaos.ChaosClient;
import dockercoins.launcher.chaos.ChaosRun;
import dockercoins.launcher.chaos.ComposeTarget;
import dockercoins.launcher.chaos.LauncherTarget;
import dockercoins.launcher.chaos.Plan;
import dockercoins.launcher.chaos.ResilienceReport;
import dockercoins.launcher.chaos.Target;
import dockercoins.launcher.chaos.UrlTarget;
import dockercoins.launcher.console.Durations;
import dockercoins.launcher.console.Table;
import dockercoins.launcher.stack.Service;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./dockercoins chaos hasher --set '{"error_rate": 0.5}'}: the faults of every replica of
 * rng, hasher or webui, shown or changed through each one's /chaos (docs/chaos.md). {@code
 * ./dockercoins chaos --every 45s --for 10m --seed 42}: kills, stops and faults at seeded random
 * times, then the resilience report. This launcher's stack by default; {@code --compose} or
 * {@code --url} point at others.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Shows the faults of each replica of rng, hasher and webui, or changes them with --set: "
                + "a PUT of the JSON to every replica's /chaos, as docs/chaos.md describes.",
                "With --every: a schedule that kills, stops or faults a random replica every period, for --for, "
                + "reads the counters all the while, and ends with a resilience report (exit 1 if work did not come back "
                + "after an event, or a counter went back).",
                "Faults need the stack run with CHAOS=on (in the environment or .env). The worker has no /chaos: "
                + "its CHAOS_ERROR_RATE is set at start."})
final class Chaos implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = "--set", paramLabel = "JSON",
            description = "The faults to change, as a JSON object, e.g. '{\"error_rate\": 0.5, \"latency\": \"0.2-1.5\"}'; "
                    + "'{\"error_rate\": 0, \"latency\": 0}' ends them.")
    String set;

    @Option(names = "--url", paramLabel = "[NAME=]URL",
            description = "A /chaos URL to use instead of this stack's replicas (repeat it), e.g. http://localhost:8081/chaos "
                    + "through kubectl port-forward; NAME names it in the tables (default: its host and port).")
    List<String> urls = new ArrayList<>();

    @Option(names = "--every", paramLabel = "DURATION", description = "Runs the schedule: an event every DURATION (at least 10s), e.g. 45s.")
    String every;

    @Option(names = "--for", paramLabel = "DURATION", defaultValue = "10m", description = "How long the schedule runs (default: ${DEFAULT-VALUE}).")
    String length;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of the schedule's choices: the same seed on the same replicas "
            + "gives the same events (default: a random one, printed).")
    Long seed;

    @Option(names = "--down", paramLabel = "DURATION",
            description = "How long a stopped replica stays down, and a fault lasts (default: 10s, or a third of --every if shorter).")
    String down;

    @Option(names = "--action", paramLabel = "ACTION", split = ",",
            description = "What the events may do: kill, stop, fault (default: all three; fault only where a /chaos answers).")
    List<String> actionNames = List.of("kill", "stop", "fault");

    @Option(names = "--compose", paramLabel = "PROJECT",
            description = "Acts on this Compose project's containers (through the docker CLI) instead of this stack; "
                    + "faults need --url, the counters come from --json.")
    String compose;

    @Option(names = "--json", paramLabel = "URL", defaultValue = "http://127.0.0.1:8000/json",
            description = "With --compose or --url: webui's /json, where the schedule reads the counters (default: ${DEFAULT-VALUE}).")
    URI json;

    @Option(names = "--dry-run", description = "Prints the schedule's events without doing them.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if (every == null) return showOrSet();
        if (set != null) throw invocation.usageError("--set and --every do not go together: --every chooses its own faults");
        return schedule();
    }

    private int showOrSet() {
        PrintWriter out = invocation.out();
        Map<String, URI> targets = urls.isEmpty() ? replicasWithChaos() : byUrl();
        Table table = new Table("REPLICA", "STATUS", "FAULTS");
        boolean failed = false;
        for (var target : targets.entrySet()) {
            try {
                var answer = ChaosClient.send(target.getValue(), set);
                failed |= !answer.ok();
                table.row(target.getKey(), Integer.toString(answer.status()), answer.body());
            } catch (IOException e) {
                failed = true;
                table.row(target.getKey(), "-", "no answer from " + target.getValue() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        table.print(out);
        return failed ? 1 : 0;
    }

    private int schedule() throws InterruptedException {
        PrintWriter out = invocation.out();
        Plan plan;
        try {
            Duration period = Durations.parse("--every", every, Duration.ofSeconds(10), Duration.ofHours(24));
            Duration downFor = down != null ? Durations.parse("--down", down, Duration.ofSeconds(1), Duration.ofHours(1))
                    : Collections.min(List.of(Duration.ofSeconds(10), period.dividedBy(3)));
            plan = new Plan(period, Durations.parse("--for", length, Duration.ofSeconds(30), Duration.ofHours(72)), downFor,
                    seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000));
        } catch (IllegalArgumentException e) {
            throw invocation.usageError(e.getMessage());
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : actionNames) {
            actions.add(Arrays.stream(Action.values()).filter(a -> a.id().equals(name.strip())).findFirst()
                    .orElseThrow(() -> invocation.usageError("--action must be kill, stop or fault, got \"" + name + "\"")));
        }
        Target target = target();
        ChaosRun run = new ChaosRun(target, plan, out);
        List<Plan.Event> events;
        try {
            events = run.events(actions);
        } catch (IllegalArgumentException e) {
            throw invocation.usageError(e.getMessage() + " in " + target.describe()
                    + (actions.equals(EnumSet.of(Action.FAULT)) ? ": faults need CHAOS=on" : ""));
        }
        out.printf("chaos on %s: every %s for %s, down %s, seed %d (the same --seed replays these events)%n",
                target.describe(), every, length, Durations.format(plan.down()), plan.seed());
        boolean faultsUnavailable = actions.contains(Action.FAULT) && events.stream().noneMatch(e -> e.action() == Action.FAULT)
                && target.chaosUrls().isEmpty(); // read last: it asks every replica
        if (faultsUnavailable) out.println("no /chaos answers: no faults, only kills and stops (run the stack with CHAOS=on for faults)");
        else out.println();
        for (Plan.Event e : events) out.println(ResilienceReport.clock(e.at().toSeconds()) + "  " + e.describe());
        out.println();
        out.flush();
        if (dryRun) return 0;
        ResilienceReport report = run.run(events);
        report.print(out);
        return report.passed() ? 0 : 1;
    }

    private Target target() {
        if (compose != null) return new ComposeTarget(compose, names.services().stream().map(Service::id).toList(), byUrl(), json);
        if (!urls.isEmpty()) return new UrlTarget(byUrl(), json);
        // the schedule says what it did: the replicas' "Container ... Started" lines would only repeat it
        var quiet = new PrintWriter(OutputStream.nullOutputStream());
        return new LauncherTarget(invocation.launcher().stack(quiet), names.services());
    }

    /** Each running replica of the services named (rng, hasher and webui by default) and its /chaos URL. */
    private Map<String, URI> replicasWithChaos() {
        List<Service> services = names.services().isEmpty() ? LauncherTarget.WITH_CHAOS : names.services();
        for (Service s : services) {
            if (!LauncherTarget.WITH_CHAOS.contains(s)) {
                throw invocation.usageError(s.id() + " has no /chaos: only rng, hasher and webui do (the worker's CHAOS_ERROR_RATE is set at start)");
            }
        }
        var stack = invocation.stack();
        var target = new LauncherTarget(stack, services);
        var found = new LinkedHashMap<String, URI>();
        Map<String, URI> withChaos = target.chaosUrls();
        for (String replica : target.replicas()) {
            URI url = withChaos.get(replica);
            if (url == null) {
                throw invocation.usageError(stack.project + "-" + replica + " serves no /chaos: run the stack with CHAOS=on "
                        + "(e.g. CHAOS=on ./dockercoins up -d, which recreates rng, hasher and webui)");
            }
            found.put(stack.project + "-" + replica, url);
        }
        if (found.isEmpty()) throw invocation.usageError("no running replica of " + services + ": start the stack first");
        return found;
    }

    /** The --url options by name: NAME=URL, or the URL's host and port. */
    private Map<String, URI> byUrl() {
        var found = new LinkedHashMap<String, URI>();
        for (String option : urls) {
            int equals = option.indexOf('=');
            boolean named = equals > 0 && !option.substring(0, equals).contains(":");
            URI url = URI.create(named ? option.substring(equals + 1) : option);
            found.put(named ? option.substring(0, equals) : url.getAuthority(), url);
        }
        return found;
    }
}
