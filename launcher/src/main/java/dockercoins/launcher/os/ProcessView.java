package dockercoins.launcher.os;

import dockercoins.launcher.console.LaunchException;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
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
