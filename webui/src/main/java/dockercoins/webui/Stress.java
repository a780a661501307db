package dockercoins.webui;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cpu and memory faults of {@link Chaos}, for autoscaler, limits and OOMKilled labs: cores
 * kept busy, and MiB held. Copied word for word into rng, hasher and webui, as Chaos is.
 */
final class Stress {
    private final String service;
    private final Logger log = LoggerFactory.getLogger(Stress.class);
    private volatile long cpuGeneration; // the CPU burners of an older generation stop
    private final List<ByteBuffer> held = new ArrayList<>(); // off the heap, 1 MiB each

    Stress(String service) {
        this.service = service;
    }

    /** cpu cores kept busy: one thread per started core, each busy its share of every 100 ms. */
    void burnCpu(double cores) {
        long generation = ++cpuGeneration;
        for (int i = 0; i < Math.ceil(cores); i++) {
            double share = Math.min(1, cores - i);
            Thread.ofPlatform().daemon().name("chaos-cpu-" + i).start(() -> {
                long busy = (long) (share * 100_000_000), idle = 100_000_000 - busy;
                double sink = 0;
                while (cpuGeneration == generation) {
                    for (long end = System.nanoTime() + busy; System.nanoTime() < end; ) sink += Math.sqrt(sink + end);
                    if (idle > 0) LockSupport.parkNanos(idle);
                }
                if (sink == -1) log.trace("never"); // keeps the loop from being optimised away
            });
        }
    }

    /**
     * memory MiB held off the heap, resident (allocateDirect zeroes each block): it counts against a
     * container's limit, past which the kernel kills the process (OOMKilled). jvm.flags lets direct
     * memory grow far beyond the small heap for this, and gives freed memory back every second.
     */
    void holdMemory(int mib) {
        synchronized (held) {
            while (held.size() > mib) held.removeLast();
            try {
                while (held.size() < mib) {
                    held.add(ByteBuffer.allocateDirect(1024 * 1024));
                }
            } catch (OutOfMemoryError e) {
                log.warn("{} chaos could hold only {} MiB of the {} asked: {}", service, held.size(), mib, e.getMessage());
            }
        }
        System.gc(); // frees the dropped blocks now rather than at some later collection
    }
}
