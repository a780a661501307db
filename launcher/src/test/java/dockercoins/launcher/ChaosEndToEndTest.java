package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack.Result;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./dockercoins chaos}: the faults of every replica of a real stack run with CHAOS=on,
 * shown and changed through each replica's /chaos. Its own project name and port base.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosEndToEndTest {
    private final ScriptedStack stack = new ScriptedStack("e2echaos", 26000, 0, 1, 2);

    @AfterAll
    void down_whatever_happened() throws Exception {
        stack.run("down");
    }

    @Test
    void chaos_shows_and_changes_the_faults_of_every_replica_and_the_workers_feel_them() throws Exception {
        stack.env.put("CHAOS", "on");
        Result up = stack.run("up", "-d", "--scale", "hasher=2");
        assertEquals(0, up.exit(), up.out() + up.err());
        String hasher1 = stack.project + "-hasher-1", hasher2 = stack.project + "-hasher-2";
        ScriptedStack.await(Duration.ofSeconds(60), "every hasher serves /chaos", () -> run("chaos", "hasher").exit() == 0);

        Result set = stack.run("chaos", "hasher", "--set", "{\"error_rate\": 1}");
        assertEquals(0, set.exit(), set.out() + set.err());
        for (String replica : new String[] {hasher1, hasher2}) {
            assertTrue(set.out().lines().anyMatch(line -> line.startsWith(replica) && line.contains("{\"error_rate\":1,")), set.out());
        }
        ScriptedStack.await(Duration.ofSeconds(30), "the worker's calls to hasher fail",
                () -> run("logs", "--tail", "all", "worker").out().contains("HTTP response code: 500"));

        Result refused = stack.run("chaos", "hasher", "--set", "{\"error_rate\": 2}");
        assertEquals(1, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.out().contains("400") && refused.out().contains("error_rate must be a number from 0 to 1, got 2"), refused.out());

        Result off = stack.run("chaos", "--set", "{\"error_rate\": 0}");
        assertEquals(0, off.exit(), off.out() + off.err());
        for (String name : new String[] {"-rng-1", "-hasher-1", "-hasher-2", "-webui-1"}) {
            assertTrue(off.out().contains(stack.project + name), name + " in " + off.out());
        }

        Result worker = stack.run("chaos", "worker");
        assertEquals(2, worker.exit(), worker.out() + worker.err());
        assertTrue(worker.err().contains("worker has no /chaos"), worker.err());
    }

    private Result run(String... args) {
        try {
            return stack.run(args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
