package dockercoins.worker;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * The worker as a real process against a real redis-server and small real HTTP stand-ins for
 * rng and hasher on 127.0.0.1.
 */
class WorkerTest extends WorkerFixture {

    private static final Duration WORKSHOP_DELAY = Duration.ofMillis(100);

    @Test
    void does_about_3_3_loops_per_second_with_the_workshop_delays() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, WORKSHOP_DELAY));
        var hasher = track(StandIn.hasher(WORKSHOP_DELAY));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port)));

        // The counter moves once a second by whole loops: measure between two of its moves.
        awaitUntil(Duration.ofSeconds(20), () -> hashes() >= 6, () -> "no hashes counted\n" + worker.output());
        long firstValue = awaitChange(hashes());
        Instant firstTime = Instant.now();
        long lastValue = firstValue;
        Instant lastTime = firstTime;
        while (Duration.between(firstTime, lastTime).toMillis() < 6_000) {
            lastValue = awaitChange(lastValue);
            lastTime = Instant.now();
        }
        double rate = (lastValue - firstValue) * 1000.0 / Duration.between(firstTime, lastTime).toMillis();

        assertTrue(rate > 3.33 * 0.8 && rate < 3.33 * 1.2, "loops per second: " + rate);
        assertEquals(0, worker.countLines("Doing one unit of work"), "no debug lines without DEBUG");
    }

    @Test
    void stores_only_valid_coins_in_the_wallet() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "WORKER_DELAY", "0")));

        awaitUntil(Duration.ofSeconds(30), () -> redis.hlen("wallet") >= 5, () -> "few coins\n" + worker.output());

        Map<byte[], byte[]> wallet = redis.hgetAll("wallet".getBytes(US_ASCII));
        for (var coin : wallet.entrySet()) {
            String field = new String(coin.getKey(), US_ASCII);
            assertTrue(field.matches("0[0-9a-f]{63}"), field);
            assertEquals(32, coin.getValue().length);
            assertEquals(field, StandIn.sha256(coin.getValue()), "the field is the SHA-256 of the bytes");
            worker.awaitLine(" - Coin found: " + field.substring(0, 8) + "\\.\\.\\.$", Duration.ofSeconds(5));
        }
    }

    @Test
    void logs_the_workshop_texts_word_for_word() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "WORKER_DELAY", "0.01", "DEBUG", "y")));

        Duration timeout = Duration.ofSeconds(20);
        worker.awaitLine(" INFO Worker - [1-9]\\d* units of work done, updating hash counter$", timeout);
        worker.awaitLine(" DEBUG Worker - Doing one unit of work$", timeout);
        worker.awaitLine(" DEBUG Worker - No coin found$", timeout);
        worker.awaitLine(" INFO Worker - Coin found: 0[0-9a-f]{7}\\.\\.\\.$", timeout);
    }

    @Test
    void says_we_already_had_that_coin_when_a_hash_comes_back() throws IOException {
        String hash = "00c0ffee" + "1".repeat(56);
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasherAnswering(hash));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "WORKER_DELAY", "0.05")));

        worker.awaitLine(" INFO Worker - Coin found: 00c0ffee\\.\\.\\.$", Duration.ofSeconds(20));
        worker.awaitLine(" INFO Worker - We already had that coin$", Duration.ofSeconds(10));
        assertEquals(1, redis.hlen("wallet"));
    }

    @Test
    void names_host_and_port_in_an_outage_waits_10_s_and_recovers() throws IOException {
        var rng = StandIn.rng("127.0.0.1", 0, Duration.ZERO);
        int port = rng.port();
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port)));
        awaitUntil(Duration.ofSeconds(20), () -> hashes() > 0, () -> "no hashes counted\n" + worker.output());

        rng.close();
        String error = worker.awaitLine(" - In work loop: ", Duration.ofSeconds(10));
        assertTrue(error.contains("GET http://127.0.0.1:" + port + "/32: java.net.ConnectException"), error);
        worker.awaitLine(" - Waiting 10s and restarting\\.$", Duration.ofSeconds(5));
        long before = hashes();

        track(StandIn.rng("127.0.0.1", port, Duration.ZERO));
        awaitUntil(Duration.ofSeconds(20), () -> hashes() > before + 3, () -> "no recovery\n" + worker.output());
        assertTrue(worker.process.isAlive());
    }

    @Test
    void tallies_its_loops_and_the_replicas_that_answered_for_webuis_per_replica_view() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        rng.headers.put("X-Replica", "rng-a");
        var hasher = track(StandIn.hasher(Duration.ZERO));
        hasher.headers.put("X-Replica", "hasher-a");
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "REPLICA_NAME", "worker-7")));
        awaitUntil(Duration.ofSeconds(20), () -> tally("worker", "worker-7") > 0 && tally("rng", "rng-a") > 0
                && tally("hasher", "hasher-a") > 0, () -> "no tally\n" + worker.output());

        hasher.headers.put("X-Chaos", "{\"error_rate\":0.5}");
        awaitUntil(Duration.ofSeconds(10), () -> events().stream().anyMatch(e -> e.contains("hasher/hasher-a: chaos {")),
                () -> "no chaos event: " + events());
        worker.process.destroy();
        worker.process.onExit().join();

        assertEquals(hashes(), tally("worker", "worker-7"), "every loop in the worker's own tally");
        assertEquals(rng.served.get(), tally("rng", "rng-a"));
        assertTrue(Long.parseLong(redis.hget("dockercoins:seen:worker", "worker-7")) > Instant.now().getEpochSecond() - 60);
        List<String> events = events();
        assertTrue(events.getLast().contains("\"text\":\"worker-7 started\""), events.toString());
        assertTrue(events.getFirst().contains("\"text\":\"worker-7 stopped\""), events.toString());
        assertEquals(1, events.stream().filter(e -> e.contains("chaos")).count(), "one event per change: " + events);
    }

    @Test
    void a_per_replica_tally_redis_refuses_is_logged_and_the_loop_goes_on() throws IOException {
        redis.set("dockercoins:replicas:rng", "not a hash"); // HINCRBY answers WRONGTYPE
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        rng.headers.put("X-Replica", "rng-a");
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "REPLICA_NAME", "worker-7", "DEBUG", "yes")));

        String error = worker.awaitLine("Cannot update the per-replica view: WRONGTYPE", Duration.ofSeconds(20));
        long before = hashes();
        awaitUntil(Duration.ofSeconds(10), () -> hashes() > before + 3, () -> "the loop stopped\n" + worker.output());
        assertTrue(tally("worker", "worker-7") > 0, "the pipeline's other writes are done: " + error);
    }

    private static long tally(String service, String replica) {
        return number(redis.hget("dockercoins:replicas:" + service, replica));
    }

    private static List<String> events() {
        return redis.lrange("dockercoins:events", 0, -1);
    }

    @Test
    void with_CHAOS_ERROR_RATE_1_every_loop_fails_as_a_failed_call_does_and_counts_nothing() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "CHAOS_ERROR_RATE", "1")));
        String error = worker.awaitLine(" - In work loop: ", Duration.ofSeconds(20));
        assertTrue(error.endsWith("this loop failed on purpose (chaos: CHAOS_ERROR_RATE 1.0)"), error);
        worker.awaitLine(" - Waiting 10s and restarting\\.$", Duration.ofSeconds(5));
        assertEquals(0, hashes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "on"})
    void closes_the_connection_of_an_error_answer_at_once_instead_of_leaving_it_to_the_garbage_collector(String keepAlive)
            throws IOException {
        var hasher = track(StandIn.hasher(Duration.ZERO));
        // A raw socket for rng, to see when the worker closes the connection.
        try (var rng = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            var env = env(hasher, hasher, redisServer.port, "KEEP_ALIVE", keepAlive);
            env.put("RNG_URL", "http://127.0.0.1:" + rng.getLocalPort());
            var worker = track(WorkerProcess.start(env));
            rng.setSoTimeout(20_000);
            try (Socket call = rng.accept()) {
                call.setSoTimeout(5_000);
                InputStream in = call.getInputStream();
                var head = new StringBuilder();
                for (int c; head.indexOf("\r\n\r\n") < 0 && (c = in.read()) != -1; ) {
                    head.append((char) c);
                }
                call.getOutputStream().write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops\n"
                        .getBytes(US_ASCII));
                worker.awaitLine(" - Waiting 10s and restarting\\.$", Duration.ofSeconds(5));
                // The worker now waits 10 s; an open connection would time this read out after 5 s.
                assertEquals(-1, in.read(), "the worker closed the connection");
            }
        }
    }

    @Test
    void keeps_running_and_names_redis_when_redis_is_missing() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        int nobody = TestRedis.freePort();
        var worker = track(WorkerProcess.start(env(rng, hasher, nobody)));

        worker.awaitLine(" - In work loop: Redis at 127.0.0.1:" + nobody + ": ", Duration.ofSeconds(20));
        worker.awaitLine(" - Waiting 10s and restarting\\.$", Duration.ofSeconds(5));
        assertTrue(worker.process.isAlive());
    }

    @Test
    void keeps_the_loops_it_could_not_report_while_redis_was_down_and_counts_every_loop() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasherAnswering("f".repeat(64))); // no coins: only INCRBY needs Redis
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "WORKER_DELAY", "0.01")));
        awaitUntil(Duration.ofSeconds(20), () -> hashes() > 0, () -> "no hashes counted\n" + worker.output());

        redisServer.stopSaving(); // nothing can reach Redis between its last INCRBY and the save
        worker.awaitLine(" - In work loop: Redis at 127.0.0.1:" + redisServer.port + ": ", Duration.ofSeconds(10));
        int servedBeforeTheReturn = hasher.served.get();
        redisServer.start(); // same port, same data; the worker retries 10 s after its failed INCRBY
        redis.close(); // the test's own pooled connections died with the old server
        redis = redisServer.client();

        awaitUntil(Duration.ofSeconds(20), () -> hashes() >= servedBeforeTheReturn,
                () -> "hashes " + hashes() + ", loops served before Redis came back " + servedBeforeTheReturn + "\n" + worker.output());
        worker.process.destroy(); // SIGTERM: the loops since the last report are added too
        worker.process.onExit().join();
        long served = hasher.served.get();
        assertTrue(Math.abs(hashes() - served) <= 1, "hashes " + hashes() + ", loops served " + served);
    }

    @Test
    void spreads_calls_over_a_comma_separated_list_of_rng_urls() throws IOException {
        var rng1 = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var rng2 = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var env = env(rng1, hasher, redisServer.port, "WORKER_DELAY", "0.01");
        env.put("RNG_URL", rng1.url() + "," + rng2.url() + "/");
        var worker = track(WorkerProcess.start(env));

        awaitUntil(Duration.ofSeconds(20), () -> rng1.served.get() >= 5 && rng2.served.get() >= 5,
                () -> "served " + rng1.served + " and " + rng2.served + "\n" + worker.output());
    }

    @Test
    void follows_a_dns_change_at_once_instead_of_caching_the_answer(@TempDir Path dir) throws IOException {
        // Linux loopback answers on all of 127/8: two "replicas" on one port, like two pods.
        var rng1 = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var rng2 = track(StandIn.rng("127.0.0.2", rng1.port(), Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        // The JDK reads this file on every look-up (and then uses no resolver provider, so the
        // shuffling itself is checked in ShufflingResolverTest).
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 rng.test\n");
        var env = env(rng1, hasher, redisServer.port, "WORKER_DELAY", "0.01");
        env.put("RNG_URL", "http://rng.test:" + rng1.port());
        var worker = track(WorkerProcess.start(env, "-Djdk.net.hosts.file=" + hosts));
        awaitUntil(Duration.ofSeconds(20), () -> rng1.served.get() >= 5, worker::output);

        Files.writeString(hosts, "127.0.0.2 rng.test\n");

        // The JVM's default cache would keep the old answer for 30 s.
        awaitUntil(Duration.ofSeconds(5), () -> rng2.served.get() >= 5,
                () -> "served " + rng1.served + " and " + rng2.served + "\n" + worker.output());
    }

    @Test
    void opens_a_new_connection_for_every_call() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "WORKER_DELAY", "0.01")));

        awaitUntil(Duration.ofSeconds(20), () -> hasher.served.get() >= 20, worker::output);
        worker.close();
        worker.process.onExit().join();

        assertEquals(rng.served.get(), rng.remotePorts.size(), "one client port per rng call");
        assertEquals(hasher.served.get(), hasher.remotePorts.size(), "one client port per hasher call");
    }

    @Test
    void with_KEEP_ALIVE_on_many_calls_share_a_few_connections_and_still_spread_over_the_urls() throws IOException {
        var rng1 = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var rng2 = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var env = env(rng1, hasher, redisServer.port, "WORKER_DELAY", "0.01", "KEEP_ALIVE", "on");
        env.put("RNG_URL", rng1.url() + "," + rng2.url());
        var worker = track(WorkerProcess.start(env));

        awaitUntil(Duration.ofSeconds(30), () -> hasher.served.get() >= 100 && rng1.served.get() >= 20 && rng2.served.get() >= 20,
                () -> "served " + rng1.served + ", " + rng2.served + " and " + hasher.served + "\n" + worker.output());
        worker.close();
        worker.process.onExit().join();

        // One connection per peer would do (the worker makes one call at a time); a few allow for a retry.
        String calls = " calls over " + hasher.remotePorts.size() + ", " + rng1.remotePorts.size() + " and " + rng2.remotePorts.size()
                + " connections";
        assertTrue(hasher.remotePorts.size() <= 3, hasher.served + calls);
        assertTrue(rng1.remotePorts.size() <= 3 && rng2.remotePorts.size() <= 3, rng1.served + " and " + rng2.served + calls);
    }

    @Test
    void reports_pending_loops_on_sigterm_and_exits_within_2_s() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port)));
        awaitUntil(Duration.ofSeconds(20), () -> hashes() > 0, () -> "no hashes counted\n" + worker.output());
        // Stop in the middle of a second, with loops done but not yet counted.
        long counted = awaitChange(hashes());
        awaitUntil(Duration.ofSeconds(5), () -> hasher.served.get() >= counted + 3, worker::output);

        Instant sigterm = Instant.now();
        worker.process.destroy();
        worker.process.onExit().join();
        Duration exit = Duration.between(sigterm, Instant.now());

        assertTrue(exit.toMillis() < 2_000, "exited in " + exit);
        long served = hasher.served.get();
        assertTrue(Math.abs(hashes() - served) <= 1, "hashes " + hashes() + ", loops served " + served);
    }

    @Test
    void with_IGNORE_SIGTERM_on_it_keeps_working_after_sigterm_as_the_original_and_only_sigkill_stops_it() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var worker = track(WorkerProcess.start(env(rng, hasher, redisServer.port, "IGNORE_SIGTERM", "on")));
        worker.awaitLine("worker ignores SIGTERM \\(IGNORE_SIGTERM=on\\): only SIGKILL stops it", Duration.ofSeconds(20));
        worker.awaitLine("Worker calling rng at", Duration.ofSeconds(20));

        worker.process.toHandle().destroy(); // SIGTERM
        long atSigterm = hasher.served.get();
        // Ten more loops (about 1 s at 0.1 s each): the default worker would have exited within a few ms.
        awaitUntil(Duration.ofSeconds(10), () -> hasher.served.get() >= atSigterm + 10, worker::output);
        assertTrue(worker.process.isAlive(), "still running after SIGTERM");

        worker.process.destroyForcibly(); // SIGKILL, as docker and Kubernetes do after the grace period
        assertEquals(137, worker.process.onExit().join().exitValue());
    }

    @Test
    void uses_the_password_and_database_of_REDIS_URL() throws IOException {
        var rng = track(StandIn.rng("127.0.0.1", 0, Duration.ZERO));
        var hasher = track(StandIn.hasher(Duration.ZERO));
        var secured = new TestRedis("s3cret");
        track(secured);
        var env = env(rng, hasher, secured.port);
        env.put("REDIS_URL", "redis://:s3cret@127.0.0.1:" + secured.port + "/3");
        var worker = track(WorkerProcess.start(env));

        try (var db3 = RedisClient.create(java.net.URI.create(env.get("REDIS_URL")));
                var db0 = RedisClient.create("127.0.0.1", secured.port, null, "s3cret")) {
            awaitUntil(Duration.ofSeconds(20), () -> number(db3.get("hashes")) > 0, worker::output);
            assertEquals(null, db0.get("hashes"));
        }
    }

    // ---- helpers

    private static Map<String, String> env(StandIn rng, StandIn hasher, int redisPort, String... more) {
        var env = new HashMap<String, String>();
        env.put("RNG_URL", rng.url().toString());
        env.put("HASHER_URL", hasher.url().toString());
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static long hashes() {
        return number(redis.get("hashes"));
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Polls the counter until it moves away from the given value; returns the new value. */
    private static long awaitChange(long from) {
        long[] now = {from};
        awaitUntil(Duration.ofSeconds(5), () -> (now[0] = hashes()) != from, () -> "hashes stuck at " + from);
        return now[0];
    }

    private static void awaitUntil(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + message.get());
            }
            WorkerProcess.pause(Duration.ofMillis(10));
        }
    }
}
