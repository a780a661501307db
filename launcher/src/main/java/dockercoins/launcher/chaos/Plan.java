package dockercoins.launcher.chaos;

import dockercoins.launcher.console.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * The seeded schedule: an event every {@code every}, the first after one quiet period (the
 * baseline) and the last a full period before the end (its recovery is measured), each a random
 * action on a random replica. The same seed and the same replicas give the same events.
 */
public record Plan(Duration every, Duration length, Duration down, long seed) {
    /** The faults an event picks from, each with the change that ends it. */
    static final List<Fault> FAULTS = List.of(
            new Fault("{\"error_rate\": 1}", "{\"error_rate\": 0}"),
            new Fault("{\"error_rate\": 0.5}", "{\"error_rate\": 0}"),
            new Fault("{\"latency\": \"0.5-1.5\"}", "{\"latency\": 0}"));

    record Fault(String set, String end) {
    }

    /** One event: when (since the run began), what, on which replica, and the fault if it is one. */
    public record Event(Duration at, Action action, String replica, Fault fault) {
        public String describe() {
            return switch (action) {
                case KILL -> "kill " + replica;
                case STOP -> "stop " + replica;
                case FAULT -> "fault " + replica + " " + fault.set();
            };
        }
    }

    public Plan {
        if (every.compareTo(Duration.ofSeconds(10)) < 0) throw new IllegalArgumentException("--every must be at least 10s, got " + Durations.format(every));
        if (!down.isPositive() || down.compareTo(every.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("--down must be more than 0 and at most half of --every (" + Durations.format(every)
                    + "), got " + Durations.format(down));
        }
        if (length.compareTo(every.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("--for must be at least three times --every (a baseline, an event, its recovery), got "
                    + Durations.format(length));
        }
    }

    /** The events for these replicas (those that can be killed or stopped, and those with a /chaos) and actions. */
    public List<Event> events(List<String> replicas, List<String> withChaos, Set<Action> actions) {
        List<Action> possible = new ArrayList<>();
        for (Action a : Action.values()) {
            boolean hasTargets = a == Action.FAULT ? !withChaos.isEmpty() : !replicas.isEmpty();
            if (actions.contains(a) && hasTargets) possible.add(a);
        }
        if (possible.isEmpty()) throw new IllegalArgumentException("nothing to do: no replica allows " + actions);
        // SplittableRandom: its algorithm is specified (the same events on any JDK), and nearby seeds give unrelated events
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>();
        for (Duration at = every; at.plus(every).compareTo(length) <= 0; at = at.plus(every)) {
            Action action = possible.get(random.nextInt(possible.size()));
            List<String> from = action == Action.FAULT ? withChaos : replicas;
            String replica = from.get(random.nextInt(from.size()));
            Fault fault = action == Action.FAULT ? FAULTS.get(random.nextInt(FAULTS.size())) : null;
            events.add(new Event(at, action, replica, fault));
        }
        return events;
    }
}
