package dockercoins.launcher.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the bench reads from the outside, as a user would: CPU time and memory of a process from
 * /proc, the Redis counter {@code hashes}, and the time of one HTTP request on a new connection
 * (as httping does). Loopback only.
 */
public final class Probes {
    private Probes() {
    }

    // ---- /proc ------------------------------------------------------------------------------

    /** Clock ticks per second of /proc/<pid>/stat's times (100 on every Linux we know of). */
    static final double TICKS_PER_SECOND = ticksPerSecond();

    /** utime + stime of the process (all its threads), in seconds; -1 when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in (...) may hold spaces: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident and proportional set sizes in MB (PSS shares the pages that JVMs map in common fairly). */
    record Memory(double rssMb, double pssMb) {
        static final Memory NONE = new Memory(0, 0);

        Memory plus(Memory o) {
            return new Memory(rssMb + o.rssMb, pssMb + o.pssMb);
        }
    }

    static Memory memory(long pid) {
        double rss = 0;
        double pss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Rss:")) rss = kilobytes(line) / 1024.0;
                if (line.startsWith("Pss:")) pss = kilobytes(line) / 1024.0;
            }
        } catch (IOException | RuntimeException e) {
            return Memory.NONE;
        }
        return new Memory(rss, pss);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private static double ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (p.waitFor() == 0) return Double.parseDouble(out);
        } catch (IOException | RuntimeException e) {
            // the usual value below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---- redis ------------------------------------------------------------------------------

    /** Just enough of the Redis protocol to read and reset the counters: one connection, inline commands. */
    public static final class Redis implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        public Redis(String url) throws IOException {
            URI uri = URI.create(url);
            socket = new Socket();
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 2000);
            socket.setSoTimeout(5000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** The integer under key, or -1 when there is none yet. */
        public synchronized long get(String key) throws IOException {
            String reply = command("GET " + key);
            return reply == null ? -1 : Long.parseLong(reply);
        }

        /** The number of fields of the hash under key (the coins: {@code HLEN wallet}), 0 when there is none. */
        public synchronized long hlen(String key) throws IOException {
            return Long.parseLong(command("HLEN " + key));
        }

        synchronized void del(String key) throws IOException {
            command("DEL " + key);
        }

        private String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readLine();
            return switch (head.charAt(0)) {
                case '$' -> {
                    int n = Integer.parseInt(head.substring(1));
                    if (n < 0) yield null;
                    byte[] value = in.readNBytes(n + 2);
                    yield new String(value, 0, n, StandardCharsets.US_ASCII);
                }
                case ':', '+' -> head.substring(1);
                default -> throw new IOException("redis answered " + line + " with " + head);
            };
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) throw new IOException("redis closed the connection");
                if (b != '\r') line.write(b);
                if (line.size() > 1024) throw new IOException("redis line too long");
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ---- http -------------------------------------------------------------------------------

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

    /** Milliseconds of a {@code GET path} that answered 2xx/3xx, or -1. */
    static double timedGet(int port, String path, int timeoutMillis) {
        long start = System.nanoTime();
        int code = get(port, path, timeoutMillis);
        double ms = (System.nanoTime() - start) / 1e6;
        return code >= 200 && code < 400 ? ms : -1;
    }

    // ---- statistics -------------------------------------------------------------------------

    /** The q-quantile (0..1) of sorted values, nearest rank; NaN when empty. */
    static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank - 1)));
    }

    /** The least-squares slope of y against x; NaN with fewer than two points or no spread in x. */
    static double slope(List<Double> x, List<Double> y) {
        int n = Math.min(x.size(), y.size());
        if (n < 2) return Double.NaN;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x.get(i) / n;
            my += y.get(i) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    static double stdev(List<Double> values) {
        if (values.size() < 2) return Double.NaN;
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sum = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(sum / (values.size() - 1));
    }
}
