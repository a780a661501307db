package dockercoins.launcher;

import static dockercoins.launcher.ScriptedStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack.Result;
import dockercoins.launcher.bench.RedisCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis under the launcher keeps its data as the official image does in its volume: across
 * {@code restart}, {@code stop}/{@code start} of redis or of the whole stack; {@code down} removes
 * it, so the next {@code up} starts at 0. Real processes through {@code ./dockercoins}; the
 * counters are read from Redis itself (webui's first answer after a Redis restart is not this test's subject).
 */
class RedisKeepsItsDataEndToEndTest {
    private final ScriptedStack stack = new ScriptedStack("redisdata", 21000, 0, 1, 2);

    @AfterEach
    void down_whatever_happened() throws Exception {
        stack.run("down");
    }

    @Test
    void restart_and_stop_start_keep_hashes_and_coins_and_down_then_up_starts_at_zero() throws Exception {
        ok(stack.run("up", "-d"));
        await(Duration.ofSeconds(90), "a first coin is mined", () -> counters().coins() >= 1);
        ok(stack.run("stop", "worker")); // the counters stand still from here: equal means kept
        Counters mined = counters();
        assertTrue(mined.hashes() > 0 && mined.coins() > 0, mined.toString());

        ok(stack.run("restart", "redis"));
        assertEquals(mined, counters(), "after restart redis");

        ok(stack.run("stop", "redis"));
        ok(stack.run("start", "redis"));
        assertEquals(mined, counters(), "after stop redis, start redis");

        ok(stack.run("stop"));
        ok(stack.run("start", "redis")); // the workers stay stopped: the counters must not move
        assertEquals(mined, counters(), "after stop of the whole stack, start redis");
        System.out.println("e2e: redis kept " + mined.hashes() + " hashes and " + mined.coins()
                + " coins across restart redis, stop + start redis, and stop of the whole stack + start redis");

        ok(stack.run("down"));
        assertTrue(!Files.exists(stack.projectDir.resolve(".dockercoins").resolve(stack.project)), "down removes redis' data");
        ok(stack.run("up", "-d", "--scale", "worker=0"));
        assertEquals(new Counters(-1, 0), counters(), "a new up after down starts empty");
    }

    record Counters(long hashes, long coins) {
    }

    private Counters counters() {
        try (RedisCounter redis = new RedisCounter("redis://127.0.0.1:" + redisPort())) {
            return new Counters(redis.get("hashes"), redis.hlen("wallet"));
        } catch (IOException e) {
            return new Counters(-2, -2);
        }
    }

    private int redisPort() throws IOException {
        return Integer.parseInt(stack.record("redis-1").getProperty("port"));
    }

    private static void ok(Result r) {
        assertEquals(0, r.exit(), r.out() + r.err());
    }
}
