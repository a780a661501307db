package dockercoins.launcher;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of the original's figures and of what ours is held to. The original is the
 * Python/Ruby/Node DockerCoins, measured on the same 2-core machine with the same bench; a key
 * with {@code %d} holds per worker (n workers: n times the figure).
 */
final class BenchTargets {
    enum Goal {
        /** No target: reported beside the original only. */
        NONE,
        /** Within 5 % of the lab's ideal (3.33 hashes/s per worker, until rng saturates at 10/s). */
        WITHIN_5_PERCENT_OF_IDEAL,
        /** At least ten times the original. */
        TEN_TIMES,
        /** At most the original. */
        AT_MOST
    }

    record Target(String key, double original, Goal goal) {
        static final Target NONE = new Target("", Double.NaN, Goal.NONE);
    }

    static final List<Target> TABLE = List.of(
            new Target("lab.workers_1.hashes_per_s", 3.25, Goal.WITHIN_5_PERCENT_OF_IDEAL),
            new Target("lab.workers_2.hashes_per_s", 6.50, Goal.WITHIN_5_PERCENT_OF_IDEAL),
            new Target("lab.workers_10.hashes_per_s", 9.65, Goal.WITHIN_5_PERCENT_OF_IDEAL),
            new Target("lab.workers_10.rng_get_p50_ms", 737, Goal.NONE),
            new Target("lab.workers_10.hasher_get_p50_ms", 3.8, Goal.NONE),
            new Target("turbo.hashes_per_cpu_s", 500, Goal.TEN_TIMES),
            new Target("raw.rng_get_32.req_per_s", 4100, Goal.TEN_TIMES),
            new Target("raw.hasher_post.req_per_s", 3500, Goal.TEN_TIMES),
            new Target("startup.rng.seconds", 0.10, Goal.AT_MOST),
            new Target("startup.hasher.seconds", 0.16, Goal.AT_MOST),
            new Target("startup.worker.seconds", 0.12, Goal.AT_MOST),
            new Target("startup.webui.seconds", 0.29, Goal.AT_MOST),
            new Target("memory.rng.rss_mb", 32, Goal.AT_MOST),
            new Target("memory.hasher.rss_mb", 32, Goal.AT_MOST),
            new Target("memory.webui.rss_mb", 67, Goal.AT_MOST),
            new Target("memory.redis.rss_mb", 12, Goal.AT_MOST),
            new Target("memory.worker.rss_mb", 32, Goal.AT_MOST),
            new Target("memory.workers_%d_together.rss_mb", 32, Goal.AT_MOST),
            new Target("memory.workers_%d_together.pss_mb", 32, Goal.AT_MOST));

    private BenchTargets() {
    }

    /** The target of a figure, or {@link Target#NONE}. */
    static Target of(String key) {
        for (Target t : TABLE) {
            if (t.key().equals(key)) return t;
            if (!t.key().contains("%d")) continue;
            Matcher m = Pattern.compile(Pattern.quote(t.key()).replace("%d", "\\E([0-9]+)\\Q")).matcher(key);
            if (m.matches()) return new Target(key, t.original() * Integer.parseInt(m.group(1)), t.goal());
        }
        return Target.NONE;
    }

    /** The lab's ideal: 3.33 loops/s per worker, until rng (10 requests/s per replica) saturates. */
    static double ideal(int workers, int rngReplicas) {
        return Math.min(workers / 0.3, 10.0 * rngReplicas);
    }
}
