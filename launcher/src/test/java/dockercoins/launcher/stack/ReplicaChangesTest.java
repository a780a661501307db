package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Convergence decided without a process: what up, scale, start and a workers' refresh do to one service's replicas. */
class ReplicaChangesTest {
    /** What every worker runs now: command and environment "cmd", jar "jar1". */
    private static final String NOW = "cmd-jar1";

    private static Replica worker(int index, String fingerprint) {
        return new Replica(Service.WORKER, index, 1000 + index, 1, 0, fingerprint, 1);
    }

    private static ReplicaSpec spec(String fingerprint) {
        return new ReplicaSpec(Service.WORKER, List.of("java", "-jar", "worker.jar"), Map.of(), 0, fingerprint, null);
    }

    private static ReplicaChanges decide(ConvergeMode mode, int count, List<Replica> existing, Set<Integer> running, boolean jarsCount) {
        Predicate<Replica> isRunning = r -> running.contains(r.index());
        return ReplicaChanges.decide(mode, count, existing, isRunning, (i, recorded, up) -> spec(NOW), jarsCount);
    }

    private static List<Integer> indexes(List<Replica> replicas) {
        return replicas.stream().map(Replica::index).toList();
    }

    @Test
    void up_on_nothing_starts_every_replica_with_a_fresh_log() {
        ReplicaChanges c = decide(ConvergeMode.UP, 3, List.of(), Set.of(), true);
        assertEquals(Set.of(1, 2, 3), c.started().keySet());
        assertEquals(Set.of(1, 2, 3), c.freshLogs());
        assertEquals(List.of(), c.stopped());
        assertEquals(Set.of(), c.recreated());
    }

    @Test
    void up_with_fewer_replicas_removes_the_highest_first_and_leaves_the_rest_running() {
        List<Replica> three = List.of(worker(1, NOW), worker(2, NOW), worker(3, NOW));
        ReplicaChanges c = decide(ConvergeMode.UP, 1, three, Set.of(1, 2, 3), true);
        assertEquals(List.of(3, 2), indexes(c.removed()));
        assertEquals(List.of(3, 2), indexes(c.stopped()));
        assertEquals(List.of(1), indexes(c.leftRunning()));
        assertEquals(Map.of(), c.started());
    }

    @Test
    void up_with_more_replicas_starts_only_the_missing_ones() {
        ReplicaChanges c = decide(ConvergeMode.UP, 3, List.of(worker(1, NOW)), Set.of(1), true);
        assertEquals(Set.of(2, 3), c.started().keySet());
        assertEquals(List.of(1), indexes(c.leftRunning()));
    }

    @Test
    void up_recreates_a_running_replica_whose_command_or_environment_changed() {
        ReplicaChanges c = decide(ConvergeMode.UP, 2, List.of(worker(1, "oldcmd-jar1"), worker(2, NOW)), Set.of(1, 2), true);
        assertEquals(Set.of(1), c.recreated());
        assertEquals(List.of(1), indexes(c.stopped()));
        assertEquals(Set.of(1), c.started().keySet());
        assertEquals(Set.of(1), c.freshLogs(), "a recreated replica starts a new log");
        assertEquals(List.of(2), indexes(c.leftRunning()));
    }

    @Test
    void up_recreates_a_replica_of_a_rebuilt_jar_but_up_no_build_keeps_it() {
        List<Replica> rebuilt = List.of(worker(1, "cmd-jar0"));
        assertEquals(Set.of(1), decide(ConvergeMode.UP, 1, rebuilt, Set.of(1), true).recreated());
        ReplicaChanges noBuild = decide(ConvergeMode.UP, 1, rebuilt, Set.of(1), false);
        assertEquals(Set.of(), noBuild.recreated());
        assertEquals(List.of(1), indexes(noBuild.leftRunning()));
    }

    @Test
    void up_starts_a_stopped_replica_again_and_its_log_goes_on() {
        ReplicaChanges c = decide(ConvergeMode.UP, 1, List.of(worker(1, NOW)), Set.of(), true);
        assertEquals(Set.of(1), c.started().keySet());
        assertEquals(Set.of(), c.freshLogs());
        assertEquals(Set.of(), c.recreated());
    }

    @Test
    void start_brings_back_stopped_replicas_only_and_recreates_nothing() {
        List<Replica> existing = List.of(worker(1, "oldcmd-jar1"), worker(2, NOW), worker(4, NOW));
        ReplicaChanges c = decide(ConvergeMode.START, 4, existing, Set.of(1), true);
        assertEquals(Set.of(2, 4), c.started().keySet(), "index 3 was never created: start creates nothing");
        assertEquals(List.of(1), indexes(c.leftRunning()), "changed, but start runs replicas as they were");
        assertEquals(List.of(), c.stopped());
    }

    @Test
    void a_refresh_recreates_changed_running_workers_and_starts_no_stopped_one() {
        List<Replica> existing = List.of(worker(1, "oldcmd-jar1"), worker(2, "oldcmd-jar1"));
        ReplicaChanges c = decide(ConvergeMode.REFRESH, 2, existing, Set.of(1), true);
        assertEquals(Set.of(1), c.recreated());
        assertEquals(Set.of(1), c.started().keySet());
        assertEquals(List.of(), c.removed());
    }
}
