package dockercoins.rng;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEMO: the line of clients in front of rng. The original rng served one request at a time, in
 * arrival order, and the workshop is built on that bottleneck: 10 workers give 3x, not 10x;
 * httping shows rng slow and hasher fast; readiness probes flap under load; scaling rng out
 * (DaemonSet, global service) is the fix. Virtual threads would silently remove it, so it is
 * enforced here: a fair semaphore, held for the whole answer including the delay, lets
 * RNG_CONCURRENCY requests through at a time (0 = no limit), first come, first served.
 * Routes that must not wait in line (health, metrics) simply do not go through it.
 */
final class SingleFile {
    /** Told, after each answer, how long the request waited for its turn and how long it was served. */
    interface Timings {
        void record(long waitedNanos, long servedNanos);
    }

    private static final Logger log = LoggerFactory.getLogger(SingleFile.class);
    private final Semaphore turns; // null: no limit
    private final Timings timings;

    SingleFile(int concurrency) {
        this(concurrency, (waited, served) -> { });
    }

    SingleFile(int concurrency, Timings timings) {
        this.turns = concurrency == 0 ? null : new Semaphore(concurrency, true);
        this.timings = timings;
    }

    /** Waits for this exchange's turn, then lets the handler answer it. */
    void serve(HttpExchange exchange, HttpHandler handler) throws IOException {
        long arrived = System.nanoTime();
        if (turns != null) {
            log.debug("{} requests already waiting for rng", turns.getQueueLength());
            turns.acquireUninterruptibly();
        }
        long turn = System.nanoTime();
        try {
            handler.handle(exchange);
        } finally {
            if (turns != null) turns.release();
            timings.record(turn - arrived, System.nanoTime() - turn);
        }
    }

    /** How many requests wait for their turn (not counting those being answered). */
    int waiting() {
        return turns == null ? 0 : turns.getQueueLength();
    }

    /** Whether every turn is taken, i.e. the next request will have to wait. */
    boolean full() {
        return turns != null && turns.availablePermits() == 0;
    }
}
