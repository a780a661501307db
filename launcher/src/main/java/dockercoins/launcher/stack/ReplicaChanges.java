package dockercoins.launcher.stack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What converging one service does to its replicas, decided from the replicas recorded, which of
 * them run, and what each index should run: which to remove (those past the count, highest first),
 * to stop, to start, to recreate (running, but their command, environment or jar changed), and
 * which to leave running. A pure decision: {@link Converge} acts on it, tests need no process.
 *
 * @param started   what to start, by index, in index order
 * @param freshLogs the indexes whose log starts anew (a new or recreated replica; a restarted one appends)
 */
record ReplicaChanges(List<Replica> removed, List<Replica> stopped, Map<Integer, ReplicaSpec> started,
                      Set<Integer> recreated, List<Replica> leftRunning, Set<Integer> freshLogs) {

    /** What index should run, given the replica recorded there (null when none) and whether it runs. */
    interface Specs {
        ReplicaSpec at(int index, Replica recorded, boolean running);
    }

    /**
     * @param jarsCount whether a rebuilt jar is a reason to recreate (not with {@code up --no-build})
     */
    static ReplicaChanges decide(ConvergeMode mode, int count, List<Replica> existing, Predicate<Replica> running,
                                 Specs specs, boolean jarsCount) {
        Map<Integer, Replica> byIndex = existing.stream().collect(Collectors.toMap(Replica::index, Function.identity()));
        List<Replica> removed = mode == ConvergeMode.UP
                ? existing.stream().filter(r -> r.index() > count)
                        .sorted(Comparator.comparingInt(Replica::index).reversed()).toList()
                : List.of();
        List<Replica> stopped = new ArrayList<>(removed);
        Map<Integer, ReplicaSpec> started = new TreeMap<>();
        Set<Integer> recreated = new TreeSet<>();
        List<Replica> leftRunning = new ArrayList<>();
        // start only brings back what exists; up and refresh look at every index up to the count
        List<Integer> indexes = mode == ConvergeMode.START
                ? existing.stream().map(Replica::index).filter(i -> i <= count).sorted().toList()
                : IntStream.rangeClosed(1, count).boxed().toList();
        for (int i : indexes) {
            Replica r = byIndex.get(i);
            boolean isRunning = r != null && running.test(r);
            ReplicaSpec spec = specs.at(i, r, isRunning);
            if (isRunning) {
                if (mode != ConvergeMode.START && spec.differsFrom(r.fingerprint(), jarsCount)) {
                    stopped.add(r);
                    started.put(i, spec);
                    recreated.add(i);
                } else {
                    leftRunning.add(r);
                }
            } else if (mode != ConvergeMode.REFRESH) {
                started.put(i, spec);
            }
        }
        Set<Integer> freshLogs = new TreeSet<>();
        for (var e : started.entrySet()) {
            Replica previous = byIndex.get(e.getKey());
            if (previous == null || e.getValue().differsFrom(previous.fingerprint(), jarsCount)) freshLogs.add(e.getKey());
        }
        return new ReplicaChanges(List.copyOf(removed), List.copyOf(stopped), started, recreated, List.copyOf(leftRunning),
                freshLogs);
    }
}
