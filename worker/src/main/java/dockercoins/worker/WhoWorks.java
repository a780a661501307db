package dockercoins.worker;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Who does the work, for webui's per-replica view: this worker's loops, and the calls each rng
 * and hasher replica answered (named by their X-Replica header), added up in Redis every second
 * under keys the original never reads:
 * <pre>
 * dockercoins:replicas:worker   hash: replica name, loops done
 * dockercoins:replicas:rng      hash: replica name, calls answered (also :hasher)
 * dockercoins:seen:worker       hash: replica name, the last second it was counted (also :rng, :hasher)
 * dockercoins:events            list: the newest first, JSON {"at": seconds, "text": ...} (100 kept)
 * </pre>
 * A replica whose faults change (its X-Chaos header) is an event too. Best effort: a view, never
 * a reason for the loop to fail.
 */
final class WhoWorks {
    static final String PREFIX = "dockercoins:";
    private static final int EVENTS_KEPT = 100;
    // Records a replica's faults and, when they changed, one event: atomic, so that of many
    // workers seeing the same change only one writes it.
    // A replica first seen without faults is no event.
    private static final String CHAOS_CHANGED = """
            local before = redis.call('HGET', KEYS[1], ARGV[1])
            if before ~= ARGV[2] then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              if before or ARGV[2] ~= 'null' then
                redis.call('LPUSH', KEYS[2], ARGV[3])
                redis.call('LTRIM', KEYS[2], 0, %d)
              end
            end""".formatted(EVENTS_KEPT - 1);

    private final String me;
    private final Map<String, Map<String, LongAdder>> calls = Map.of("rng", new ConcurrentHashMap<>(), "hasher", new ConcurrentHashMap<>());
    private final Map<String, String> faults = new ConcurrentHashMap<>(); // "rng/name" -> its last X-Chaos ("null": none)
    private final Map<String, String> flushed = new ConcurrentHashMap<>(); // the same, as last written to Redis

    WhoWorks(String me) {
        this.me = me;
    }

    /** This worker in the events: "worker-2", or "worker 3f2a1b0c9d8e" (a container's host name). */
    String name() {
        return me.startsWith("worker") ? me : "worker " + me;
    }

    /** After a call answered: which replica of service answered, and its faults. */
    void answered(String service, HttpURLConnection connection) {
        String replica = connection.getHeaderField("X-Replica");
        if (replica == null) return; // the original's rng and hasher do not say
        calls.get(service).computeIfAbsent(replica, name -> new LongAdder()).increment();
        faults.put(service + "/" + replica, String.valueOf(connection.getHeaderField("X-Chaos")));
    }

    /**
     * Adds this second's loops and calls to Redis, and records the replicas' fault changes: in one
     * pipeline, one round trip whatever the number of replicas.
     */
    void flush(RedisClient redis, long loops) {
        long now = Instant.now().getEpochSecond();
        String seen = Long.toString(now);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<?>> replies = new ArrayList<>();
            replies.add(pipeline.hincrBy(PREFIX + "replicas:worker", me, loops));
            replies.add(pipeline.hset(PREFIX + "seen:worker", me, seen));
            calls.forEach((service, counts) -> counts.forEach((replica, count) -> {
                long n = count.sumThenReset();
                if (n == 0) return;
                replies.add(pipeline.hincrBy(PREFIX + "replicas:" + service, replica, n));
                replies.add(pipeline.hset(PREFIX + "seen:" + service, replica, seen));
            }));
            faults.forEach((replica, chaos) -> {
                if (chaos.equals(flushed.put(replica, chaos))) return;
                String text = replica + (chaos.equals("null") ? ": no fault" : ": chaos " + chaos);
                replies.add(pipeline.eval(CHAOS_CHANGED, List.of(PREFIX + "faults", PREFIX + "events"),
                        List.of(replica, chaos, event(now, text))));
            });
            pipeline.sync();
            // an error reply (a key of another type) is thrown by get(), as a call outside a pipeline throws it
            replies.forEach(Response::get);
        }
    }

    /** An event for the page's markers, e.g. "worker-3 started". */
    void event(RedisClient redis, String text) {
        redis.lpush(PREFIX + "events", event(Instant.now().getEpochSecond(), text));
        redis.ltrim(PREFIX + "events", 0, EVENTS_KEPT - 1);
    }

    private static String event(long at, String text) {
        return "{\"at\":" + at + ",\"text\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }
}
