package dockercoins.launcher.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the counters four times a second for the whole run, in a thread of its own, and keeps
 * every reading; one that fails (Redis or webui down) is a gap, counted.
 */
final class Recorder implements AutoCloseable {
    static final Duration PERIOD = Duration.ofMillis(250);

    /** One reading: seconds since the run began, and the counters. */
    record Reading(double seconds, long hashes, long coins) {
    }

    private final List<Reading> readings = new ArrayList<>();
    private final long startNanos;
    private final Thread thread;
    private int gaps;

    Recorder(Counter counter, long startNanos) {
        this.startNanos = startNanos;
        thread = Thread.ofVirtual().name("chaos-recorder").start(() -> {
            for (long next = System.nanoTime(); !Thread.currentThread().isInterrupted(); next += PERIOD.toNanos()) {
                try {
                    Counter.Counts counts = counter.read();
                    add(new Reading(seconds(), counts.hashes(), counts.coins()));
                } catch (IOException e) {
                    gap();
                }
                long wait = next + PERIOD.toNanos() - System.nanoTime();
                try {
                    if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private synchronized void add(Reading r) {
        readings.add(r);
    }

    private synchronized void gap() {
        gaps++;
    }

    synchronized List<Reading> readings() {
        return List.copyOf(readings);
    }

    synchronized int gaps() {
        return gaps;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
    }
}
