package dockercoins.hasher;

import com.sun.net.httpserver.HttpServer;
import java.math.BigDecimal;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * A graceful stop on SIGTERM, the same in rng, hasher and webui: this file is copied word for
 * word into each one (deploy's ServiceCopiesTest keeps the copies equal).
 * <p>
 * A rolling update sends SIGTERM while Kubernetes' endpoints, Swarm's DNS answers and the
 * workers' connections still lead here for a moment: stopping at once dropped those requests
 * and the ones in flight. So on SIGTERM /readyz answers 503 at once (the orchestrator takes the
 * replica out), every route is still served for SHUTDOWN_DRAIN seconds, then the server stops
 * accepting, the requests in flight get up to {@link #IN_FLIGHT_LIMIT_SECONDS} to finish, and
 * the process exits 0. SHUTDOWN_DRAIN=0 stops at once, as before.
 */
final class Drain {
    /** The default 3 s of drain plus this stays well inside Docker's 10 s and Kubernetes' 30 s grace periods. */
    static final int IN_FLIGHT_LIMIT_SECONDS = 5;

    // SIGTERM is sent to the process: whether it is stopping is a fact about the whole process.
    private static volatile boolean stopping;

    private Drain() {
    }

    /** True from SIGTERM on: /readyz then answers 503. */
    static boolean stopping() {
        return stopping;
    }

    /** On SIGTERM: drain, stop the server, then exit 0 (the shutdown hooks, e.g. closing Redis, still run). */
    static void onSigterm(String service, HttpServer server, Duration drain) {
        // sun.misc.Signal (module jdk.unsupported): a shutdown hook cannot keep serving, then choose exit status 0.
        Signal.handle(new Signal("TERM"), signal -> {
            if (stopping) return; // a second SIGTERM changes nothing
            stopping = true;
            // Not in the signal's thread, a daemon: the JVM would end as soon as the server stops, before the last line.
            Thread.ofPlatform().name("drain").daemon(false).start(() -> drainThenExit(service, server, drain));
        });
    }

    private static void drainThenExit(String service, HttpServer server, Duration drain) {
        var log = LoggerFactory.getLogger(Drain.class);
        if (drain.isZero()) {
            log.info("{} got SIGTERM: stopping at once (SHUTDOWN_DRAIN=0)", service);
            server.stop(0);
            System.exit(0);
        }
        log.info("{} got SIGTERM: /readyz answers 503, still serving for {} s (SHUTDOWN_DRAIN)", service, seconds(drain));
        pause(drain);
        long stopped = System.nanoTime();
        server.stop(IN_FLIGHT_LIMIT_SECONDS); // stops accepting, waits for the requests in flight
        Duration finishing = Duration.ofNanos(System.nanoTime() - stopped);
        log.info("{} drained: stopped accepting, requests in flight {} in {} s", service,
                finishing.toSeconds() < IN_FLIGHT_LIMIT_SECONDS ? "finished" : "cut", seconds(finishing));
        System.exit(0);
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
