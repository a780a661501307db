package dockercoins.launcher.stack;

import dockercoins.launcher.os.Pause;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The aggregated log view of {@code logs} and of an attached {@code up}: each line behind its
 * replica's prefix ({@code worker-2  | }), padded like Compose v2, coloured per service on a terminal.
 */
public final class LogStream {
    private static final String RESET = "\u001b[0m";

    private final Stack stack;
    private final PrintWriter out;
    private final boolean colour;
    private final boolean timestamps;
    private final Map<String, Long> positions = new HashMap<>();
    private int width;

    public LogStream(Stack stack, PrintWriter out, boolean colour, boolean timestamps) {
        this.stack = stack;
        this.out = out;
        this.colour = colour;
        this.timestamps = timestamps;
    }

    /** Compose v2 pads every name to the longest one plus one, then {@code " | "}. */
    public static String prefix(String shortName, int longest) {
        return String.format("%-" + (longest + 1) + "s | ", shortName);
    }

    private String prefix(Replica r) {
        String p = prefix(r.shortName(), width - 1);
        return colour ? r.service().colour + p.substring(0, p.length() - 1) + RESET + " " : p;
    }

    private void widen(List<Replica> replicas) {
        for (Replica r : replicas) width = Math.max(width, r.shortName().length() + 1);
    }

    /** Prints the last {@code tail} lines (all when negative) of each replica, merged by time. */
    public void printTail(List<Replica> replicas, int tail) {
        widen(replicas);
        record Entry(Instant time, int order, Replica replica, LogLine line) {
        }
        List<Entry> entries = new ArrayList<>();
        int order = 0;
        for (Replica r : replicas) {
            Path file = stack.state.logFile(r);
            long end = size(file);
            Instant last = Instant.EPOCH;
            for (String raw : tailLines(file, end, tail)) {
                LogLine line = LogLine.parse(raw);
                if (line.time() != null) last = line.time();
                entries.add(new Entry(last, order++, r, line));
            }
            positions.put(r.shortName(), end);
        }
        entries.sort(Comparator.comparing(Entry::time).thenComparingInt(Entry::order));
        for (Entry e : entries) print(e.replica(), e.line());
        out.flush();
    }

    /** Follow from this offset (attached up: 0 for replicas it just started, the end for the others). */
    public void startAt(Replica r, long offset) {
        widen(List.of(r));
        positions.put(r.shortName(), offset);
    }

    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Prints new lines as they come, picking up replicas that appear (a scale-up in another
     * shell), until {@code stop} says so or, if asked, nothing selected has run for 3 s.
     */
    public void follow(Set<Service> services, BooleanSupplier stop, boolean endWhenAllStopped) {
        long lastScan = 0;
        long lastRunning = System.nanoTime();
        List<Replica> replicas = List.of();
        while (!stop.getAsBoolean()) {
            if (System.nanoTime() - lastScan > 1_000_000_000L) {
                lastScan = System.nanoTime();
                replicas = stack.replicas().stream().filter(r -> services.contains(r.service())).toList();
                for (Replica r : replicas) {
                    if (positions.putIfAbsent(r.shortName(), 0L) == null) widen(List.of(r));
                }
                if (replicas.stream().anyMatch(Replica::isRunning)) {
                    lastRunning = System.nanoTime();
                } else if (endWhenAllStopped && System.nanoTime() - lastRunning > 3_000_000_000L) {
                    readNew(replicas);
                    return;
                }
            }
            if (!readNew(replicas)) Pause.millis(100);
        }
        readNew(replicas);
    }

    /** True when something was printed. */
    private boolean readNew(List<Replica> replicas) {
        boolean printed = false;
        for (Replica r : replicas) {
            Path file = stack.state.logFile(r);
            long pos = positions.getOrDefault(r.shortName(), 0L);
            long size = size(file);
            if (size < pos) pos = 0; // recreated: a new log
            if (size == pos) continue;
            byte[] bytes = read(file, pos, size);
            int lastNewline = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) continue; // half a line: wait for the rest
            String chunk = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8);
            for (String raw : chunk.split("\n", -1)) print(r, LogLine.parse(raw));
            positions.put(r.shortName(), pos + lastNewline + 1);
            printed = true;
        }
        if (printed) out.flush();
        return printed;
    }

    private void print(Replica r, LogLine line) {
        out.println(prefix(r) + (timestamps && line.time() != null ? line.stamp() + " " : "") + line.text());
    }

    private static byte[] read(Path file, long from, long to) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.min(to - from, 8 << 20)];
            raf.seek(from);
            raf.readFully(bytes);
            return bytes;
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The last {@code n} complete lines before {@code end} (all when n is negative), reading backwards. */
    public static List<String> tailLines(Path file, long end, int n) {
        if (end == 0 || n == 0) return List.of();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = end;
            if (n < 0) {
                start = 0;
            } else {
                int newlines = 0;
                byte[] buf = new byte[8192];
                // the final newline ends the last line: it needs n+1 newlines to hold n lines
                while (start > 0 && newlines <= n) {
                    int len = (int) Math.min(buf.length, start);
                    start -= len;
                    raf.seek(start);
                    raf.readFully(buf, 0, len);
                    for (int i = len - 1; i >= 0; i--) {
                        if (buf[i] == '\n' && ++newlines > n) {
                            start += i + 1;
                            break;
                        }
                    }
                }
            }
            byte[] bytes = new byte[(int) (end - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int cut = text.lastIndexOf('\n');
            if (cut < 0) return List.of();
            List<String> lines = List.of(text.substring(0, cut).split("\n", -1));
            return n < 0 || lines.size() <= n ? lines : lines.subList(lines.size() - n, lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
