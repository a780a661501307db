package dockercoins.launcher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user's requests during a step of the bench: one {@code GET path} every period, each on a new
 * connection (as a browser on webui or httping would), round-robin over the replicas' ports,
 * until the step ends. Keeps the times of those that answered and counts those that did not.
 */
final class HttpProbe {
    private final List<Double> millis = new ArrayList<>();
    private int count;
    private int errors;
    private final Thread thread;

    HttpProbe(List<Integer> ports, String path, Duration period, int timeoutMillis, long endNanos, AtomicBoolean aborted) {
        long periodNanos = period.toNanos();
        thread = Thread.ofVirtual().start(() -> {
            int i = 0;
            for (long next = System.nanoTime(); !ports.isEmpty() && next < endNanos && !aborted.get(); next += periodNanos) {
                // a request outlives the step by 2 s at most
                int timeout = (int) Math.max(1, Math.min(timeoutMillis, (endNanos - System.nanoTime()) / 1_000_000 + 2000));
                long start = System.nanoTime();
                int code = get(ports.get(i++ % ports.size()), path, timeout);
                record(code, (System.nanoTime() - start) / 1e6);
                long wait = Math.min(next + periodNanos, endNanos) - System.nanoTime();
                try {
                    if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private synchronized void record(int code, double ms) {
        count++;
        if (code >= 200 && code < 400) millis.add(ms);
        else errors++;
    }

    synchronized int count() {
        return count;
    }

    synchronized int errors() {
        return errors;
    }

    /** Milliseconds of the requests that answered, in the order they were sent. */
    synchronized List<Double> millis() {
        return new ArrayList<>(millis);
    }

    /** Waits for the last request (15 s at most), then stops the probe. */
    void join() {
        try {
            if (!thread.join(Duration.ofSeconds(15))) thread.interrupt();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code GET path} on a new connection to 127.0.0.1:port; the status code, or -1 when nothing
     * answered (connection refused, timeout). Raw HTTP/1.1, so the probe costs the same every time.
     */
    static int get(int port, String path, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int n = in.readNBytes(head, 0, head.length);
            String status = new String(head, 0, n, StandardCharsets.US_ASCII);
            if (n < 12 || !status.startsWith("HTTP/1.")) return -1;
            int code = Integer.parseInt(status.substring(9, 12));
            in.transferTo(OutputStream.nullOutputStream());
            return code;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
