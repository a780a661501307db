package dockercoins.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seeded schedule: reproducible, evenly spaced, a full period left for the last event's recovery. */
class PlanTest {
    private static final List<String> REPLICAS = List.of("hasher-1", "rng-1", "webui-1", "worker-1", "worker-2");
    private static final List<String> WITH_CHAOS = List.of("hasher-1", "rng-1", "webui-1");
    private static final Set<Action> ALL = EnumSet.allOf(Action.class);

    private static Plan plan(long seed) {
        return new Plan(Duration.ofSeconds(45), Duration.ofMinutes(10), Duration.ofSeconds(10), seed);
    }

    @Test
    void the_same_seed_on_the_same_replicas_gives_the_same_events_and_another_seed_others() {
        assertEquals(plan(42).events(REPLICAS, WITH_CHAOS, ALL), plan(42).events(REPLICAS, WITH_CHAOS, ALL));
        assertNotEquals(plan(42).events(REPLICAS, WITH_CHAOS, ALL), plan(43).events(REPLICAS, WITH_CHAOS, ALL));
    }

    @Test
    void an_event_every_period_after_a_quiet_baseline_and_the_last_a_full_period_before_the_end() {
        List<Plan.Event> events = plan(1).events(REPLICAS, WITH_CHAOS, ALL);
        assertEquals(12, events.size(), "45 s, 1:30, ... 9:00; 9:45 would leave 15 s to recover");
        for (int i = 0; i < events.size(); i++) assertEquals(Duration.ofSeconds(45L * (i + 1)), events.get(i).at());
    }

    @Test
    void faults_go_only_to_replicas_with_a_chaos_endpoint_and_kills_and_stops_to_any() {
        var events = new java.util.ArrayList<Plan.Event>();
        for (long seed = 0; seed < 20; seed++) events.addAll(plan(seed).events(REPLICAS, WITH_CHAOS, ALL));
        for (Action a : Action.values()) assertTrue(events.stream().anyMatch(e -> e.action() == a), a + " is never chosen");
        for (Plan.Event e : events) {
            if (e.action() == Action.FAULT) {
                assertTrue(WITH_CHAOS.contains(e.replica()), e.toString());
                assertTrue(Plan.FAULTS.contains(e.fault()), e.toString());
            } else {
                assertTrue(REPLICAS.contains(e.replica()), e.toString());
            }
        }
        assertTrue(events.stream().anyMatch(e -> e.replica().startsWith("worker") && e.action() != Action.FAULT));
    }

    @Test
    void without_a_chaos_endpoint_there_are_no_faults_and_only_faults_means_nothing_to_do() {
        assertTrue(plan(7).events(REPLICAS, List.of(), ALL).stream().noneMatch(e -> e.action() == Action.FAULT));
        var e = assertThrows(IllegalArgumentException.class, () -> plan(7).events(REPLICAS, List.of(), EnumSet.of(Action.FAULT)));
        assertTrue(e.getMessage().startsWith("nothing to do"), e.getMessage());
    }

    @Test
    void periods_too_short_for_an_event_and_its_recovery_are_refused_naming_the_option() {
        Duration s10 = Duration.ofSeconds(10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Plan(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(1), 1))
                .getMessage().startsWith("--every must be at least 10s"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Plan(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(20), 1))
                .getMessage().startsWith("--down must be more than 0 and at most half of --every (30s)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Plan(Duration.ofSeconds(30), Duration.ofSeconds(60), s10, 1))
                .getMessage().startsWith("--for must be at least three times --every"));
    }
}
