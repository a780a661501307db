package dockercoins.launcher.os;

import dockercoins.launcher.console.LaunchException;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the operating system says about a replica's processes (the replica and anything it
 * started), as {@code ps} and the JDK's ProcessHandle tell it on Linux and macOS alike: the rows
 * of {@code top}, the CPU time and resident memory of {@code stats}.
 */
public final class ProcessView {
    private ProcessView() {
    }

    /** One line of {@code ps}: who runs it, its pid and parent's, CPU time so far ([DD-]HH:MM:SS), command line. */
    public record Row(String user, long pid, long ppid, String time, String command) {
    }

    /** The replica's process, then its descendants. */
    public static List<Long> tree(ProcessHandle replica) {
        return Stream.concat(Stream.of(replica), replica.descendants()).map(ProcessHandle::pid).toList();
    }

    public static List<Row> rows(List<Long> pids) {
        List<Row> rows = new ArrayList<>();
        for (String line : ps(pids, "user=,pid=,ppid=,time=,args=")) {
            String[] f = line.strip().split("\\s+", 5);
            if (f.length < 5) continue;
            rows.add(new Row(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4]));
        }
        return rows;
    }

    /** Resident set size in bytes of each pid still alive. */
    public static Map<Long, Long> rss(List<Long> pids) {
        Map<Long, Long> rss = new HashMap<>();
        for (String line : ps(pids, "pid=,rss=")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2) rss.put(Long.parseLong(f[0]), Long.parseLong(f[1]) * 1024);
        }
        return rss;
    }

    /** CPU time the processes used so far, all their threads (those gone since count nothing). */
    public static Duration cpu(List<Long> pids) {
        Duration total = Duration.ZERO;
        for (long pid : pids) {
            total = total.plus(ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(Duration.ZERO));
        }
        return total;
    }

    /** CPU seconds one process used so far (all its threads), as {@link #cpu} counts them; -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    /** Resident and proportional set sizes in MB (PSS shares the pages that JVMs map in common fairly). */
    public record Memory(double rssMb, double pssMb) {
        public static final Memory NONE = new Memory(0, 0);

        public Memory plus(Memory o) {
            return new Memory(rssMb + o.rssMb, pssMb + o.pssMb);
        }
    }

    /**
     * RSS and PSS of one process from Linux's /proc (the bench's figures; {@link #rss} asks ps,
     * which macOS has too, but ps knows no PSS); {@link Memory#NONE} when it is gone.
     */
    public static Memory memory(long pid) {
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

    /** The machine's load averages over 1, 5 and 15 minutes, from /proc; "unknown" elsewhere. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The machine's memory (or the container's limit, when the launcher runs in one). */
    public static long totalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** {@code ps -o FORMAT -p PID,...}: one line per process still alive (none when all are gone). */
    private static List<String> ps(List<Long> pids, String format) {
        if (pids.isEmpty()) return List.of();
        String list = pids.stream().map(String::valueOf).collect(Collectors.joining(","));
        try {
            Process p = new ProcessBuilder("ps", "-o", format, "-p", list)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new LaunchException("cannot run ps: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
