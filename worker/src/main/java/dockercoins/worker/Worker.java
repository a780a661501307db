package dockercoins.worker;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The DockerCoins worker: forever, get 32 random bytes from rng, hash them with hasher, and keep
 * the hashes that start with "0" as coins in the Redis hash {@code wallet}; about once a second,
 * add the number of loops done to the Redis counter {@code hashes}. It has no port.
 */
public final class Worker {

    private static final Duration RESTART_WAIT = Duration.ofSeconds(10);
    // A hung peer becomes an error and a restart, not a stuck worker. Connecting takes
    // milliseconds, so 5 s means the peer is gone (a stopped container's address answers
    // nothing); the answer may take long: 30 s leaves room for rng's queue (0.1 s per waiting
    // worker) even with hundreds of workers.
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    // Not static: DEBUG must set the log level before the first LoggerFactory call.
    private final Logger log = LoggerFactory.getLogger(Worker.class);
    private final Settings settings;
    private final RedisClient redis;
    private final AtomicLong loopsDone = new AtomicLong();
    private final WhoWorks whoWorks;
    private final WorkerTelemetry telemetry = new WorkerTelemetry(loopsDone::get);
    private volatile boolean running = true;
    private HttpServer metricsServer; // only with METRICS_PORT

    Worker(Settings settings) {
        this.settings = settings;
        this.redis = redisClient(settings.redisUrl());
        this.whoWorks = new WhoWorks(settings.replica());
    }

    /** The pool of Redis connections. */
    static RedisClient redisClient(URI url) {
        var pool = new ConnectionPoolConfig();
        pool.setJmxEnabled(false); // starting JMX for the pool would cost ~0.3 s of start-up and ~10 MB
        // PING each connection before use: after a Redis restart every pooled connection is dead,
        // and the test replaces a dead one at once, so the first command after a restart succeeds.
        pool.setTestOnBorrow(true);
        return RedisClient.builder().fromURI(url).poolConfig(pool).build();
    }

    // ---- clients: rng, hasher, redis

    private byte[] getRandomBytes() throws IOException {
        return telemetry.call("rng", () -> http("rng", URI.create(pick(settings.rngUrls()) + "/32"), null));
    }

    private String hash(byte[] data) throws IOException {
        byte[] hex = telemetry.call("hasher", () -> http("hasher", URI.create(pick(settings.hasherUrls()) + "/"), data));
        return new String(hex, US_ASCII).strip();
    }

    /** GET url, or POST body to it; errors name the host and port. */
    private byte[] http(String service, URI url, byte[] body) throws IOException {
        String method = body == null ? "GET" : "POST";
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(READ_TIMEOUT_MS);
            if (body != null) {
                connection.setRequestMethod(method);
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/octet-stream");
                try (var out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            try (var in = connection.getInputStream()) {
                byte[] answer = in.readAllBytes(); // read to the end: with KEEP_ALIVE=on the socket can serve the next call
                whoWorks.answered(service, connection);
                return answer;
            }
        } catch (IOException e) {
            throw new IOException(method + " " + url.getScheme() + "://" + hostAndPort(url) + url.getPath() + ": " + e, e);
        } finally {
            // An error answer (4xx, 5xx) would otherwise keep its socket open until a garbage collection.
            // After an answer read and closed, it does nothing: the socket is closed (the default) or
            // back in the JDK's keep-alive cache (KEEP_ALIVE=on; WorkerTest checks that it is reused).
            if (connection != null) connection.disconnect();
        }
    }

    /** Runs one Redis command; errors name the host and port (never the password). */
    private <T> T redis(Function<RedisClient, T> command) throws IOException {
        try {
            return command.apply(redis);
        } catch (JedisException e) {
            throw new IOException("Redis at " + hostAndPort(settings.redisUrl()) + ": " + e, e);
        }
    }

    /** A write for webui's per-replica view: best effort, it never stops the loop. */
    private void tell(Consumer<RedisClient> write) {
        try {
            write.accept(redis);
        } catch (JedisException e) {
            log.debug("Cannot update the per-replica view: {}", e.getMessage());
        }
    }

    // DEMO: the local launcher has no Service in front of replicas on different ports, so it
    // passes a comma-separated list of URLs, and each call picks one at random.
    private static URI pick(List<URI> urls) {
        return urls.get(ThreadLocalRandom.current().nextInt(urls.size()));
    }

    private static String hostAndPort(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : url.getScheme().startsWith("redis") ? 6379 : 80;
        return url.getHost() + ":" + port;
    }

    // ---- the loop, as in worker.py

    private void workLoop() throws IOException, InterruptedException {
        Instant deadline = Instant.MIN;
        while (running) {
            if (Instant.now().isAfter(deadline)) {
                reportLoopsDone();
                deadline = Instant.now().plusSeconds(1);
            }
            telemetry.loop(this::workOnce); // one trace per loop when the OpenTelemetry agent is attached
            loopsDone.incrementAndGet();
        }
    }

    private void workOnce() throws IOException, InterruptedException {
        log.debug("Doing one unit of work");
        Thread.sleep(settings.workerDelay());
        if (settings.chaosErrorRate() > 0 && ThreadLocalRandom.current().nextDouble() < settings.chaosErrorRate()) {
            throw new IOException("this loop failed on purpose (chaos: CHAOS_ERROR_RATE " + settings.chaosErrorRate() + ")");
        }
        byte[] randomBytes = getRandomBytes();
        String hex = hash(randomBytes);
        if (!hex.startsWith("0")) {
            log.debug("No coin found");
            return;
        }
        log.info("Coin found: {}...", hex.substring(0, Math.min(8, hex.length())));
        telemetry.coinFound();
        long created = redis(r -> r.hset("wallet".getBytes(US_ASCII), hex.getBytes(US_ASCII), randomBytes));
        if (created == 0) {
            log.info("We already had that coin");
        }
    }

    private void reportLoopsDone() throws IOException {
        long n = loopsDone.get();
        log.info("{} units of work done, updating hash counter", n);
        redis(r -> r.incrBy("hashes", n));
        // DEMO: taken off only once Redis has counted them. worker.py resets its count first, so
        // every loop done since the last report is lost when Redis is down; here the next report
        // (or the one on SIGTERM) carries them: `hashes` ends up with every loop.
        loopsDone.addAndGet(-n);
        tell(r -> whoWorks.flush(r, n)); // webui's per-replica view
    }

    /** Runs the loop until stop(); any error (a service down, DNS not ready) restarts it in 10 s. */
    void run() {
        log.info("Worker calling rng at {}, hasher at {}, redis at {}",
                settings.rngUrls(), settings.hasherUrls(), hostAndPort(settings.redisUrl()));
        tell(r -> whoWorks.event(r, whoWorks.name() + " started"));
        while (running) {
            try {
                workLoop();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("In work loop: {}", e instanceof IOException ? e.getMessage() : e.toString());
                log.error("Waiting 10s and restarting.");
                telemetry.restarted();
                try {
                    Thread.sleep(RESTART_WAIT);
                } catch (InterruptedException stopping) {
                    return;
                }
            }
        }
    }

    /** GET /metrics on the port (METRICS_PORT), until stop(). */
    void serveMetrics(int port) throws IOException {
        metricsServer = telemetry.serve(settings.bindAddress(), port);
        log.info("worker serving /metrics on port {}", metricsServer.getAddress().getPort());
    }

    /** On SIGTERM (a change from worker.py): stop the loop, then count the loops not yet reported. */
    void stop(Thread loop) {
        running = false;
        loop.interrupt();
        try {
            loop.join(Duration.ofMillis(1000));
            if (loopsDone.get() > 0) {
                reportLoopsDone();
            }
        } catch (IOException | InterruptedException e) {
            log.error("Could not update hash counter on exit: {}", e.getMessage());
        }
        tell(r -> whoWorks.event(r, whoWorks.name() + " stopped"));
        redis.close();
        if (metricsServer != null) {
            metricsServer.stop(0);
        }
    }

    // ---- entry point

    public static void main(String[] args) {
        // DEMO: no DNS cache (the JVM keeps answers 30 s and failed look-ups 10 s): each call
        // resolves the service name again, so new replicas get work at once and a dependency that
        // comes back (or whose DNS name appears late) is found on the first retry. Set before any
        // look-up. ShufflingResolver then picks a random replica among the addresses.
        Security.setProperty("networkaddress.cache.ttl", "0");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");

        Settings settings;
        try {
            settings = Settings.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.debug()) Env.enableDebugLogs(); // before the first logger
        // DEMO: a new TCP connection per call, like the original's requests.post(): with
        // keep-alive a worker would stick to the replica it reached first, and scaling rng behind
        // a Kubernetes Service or a Swarm VIP (which balance connections, not requests) would not
        // raise throughput. KEEP_ALIVE=on reuses connections, for throughput when that does not
        // matter (the launcher's list of URLs still spreads calls: one connection per URL).
        // Set before the first HTTP call: the JDK reads it once.
        System.setProperty("http.keepAlive", Boolean.toString(settings.keepAlive()));
        var worker = new Worker(settings);
        // No port unless METRICS_PORT is set: labs say "you cannot connect to the worker pods".
        if (settings.metricsPort().isPresent()) {
            try {
                worker.serveMetrics(settings.metricsPort().getAsInt());
            } catch (IOException e) {
                System.err.println("worker cannot serve /metrics on port " + settings.metricsPort().getAsInt() + ": " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        Thread loop = Thread.currentThread();
        if (settings.ignoreSigterm()) {
            // DEMO: the original's worker ignores SIGTERM, so docker stop and a rolling update wait
            // out the grace period (10 s, 30 s) and then kill it: the rollout chapter's old pods stay
            // Terminating and the graph drops late. IGNORE_SIGTERM=on shows that; by default the
            // worker flushes its count and exits at once.
            Signal.handle(new Signal("TERM"), SignalHandler.SIG_IGN);
            LoggerFactory.getLogger(Worker.class).info("worker ignores SIGTERM (IGNORE_SIGTERM=on): only SIGKILL stops it");
        }
        if (!settings.version().line().isEmpty()) {
            LoggerFactory.getLogger(Worker.class).info("worker {}", settings.version().line()); // rollout labs: who is working
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> worker.stop(loop)));
        worker.run();
    }
}
