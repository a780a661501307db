package dockercoins.launcher;

import dockercoins.launcher.console.Table;
import dockercoins.launcher.os.Pause;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./dockercoins stats}: CPU and memory of each running replica, refreshed every second
 * like {@code docker stats}; the workshop's "look at the CPU and memory impact" step.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Shows the CPU and memory each running replica uses, refreshed every second like docker stats, "
                + "until Ctrl-C.",
                "CPU %% is the share of one core used over the last second (200%% means two cores busy). MEM USAGE is "
                        + "the resident memory (RSS) of the replica's processes, MEM %% its share of the machine's memory."})
final class Stats implements Callable<Integer> {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Moves the cursor home and clears the screen, so that each table replaces the last on a terminal. */
    private static final String CLEAR = "\u001b[H\u001b[2J";

    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = "--no-stream", description = "Print one table, measured over one second, and exit.")
    boolean noStream;

    @Override
    public Integer call() {
        names.services(); // an unknown name is a usage error, before any state is read
        Stack stack = invocation.stack();
        PrintWriter out = invocation.out();
        // a terminal redraws the table in place, with NO_COLOR too: it has no colours to drop
        boolean terminal = invocation.launcher().terminal().isTerminal();
        long totalMemory = ProcessView.totalMemory();
        Map<Replica, Duration> before = cpu(stack);
        long since = System.nanoTime();
        while (true) {
            Pause.millis(INTERVAL.toMillis());
            Map<Replica, Duration> now = cpu(stack);
            double seconds = (System.nanoTime() - since) / 1e9;
            since = System.nanoTime();
            Table table = new Table("NAME", "PID", "CPU %", "MEM USAGE", "MEM %");
            for (var e : now.entrySet()) {
                Replica r = e.getKey();
                List<Long> pids = r.process().map(ProcessView::tree).orElse(List.of());
                if (pids.isEmpty()) continue;
                // a replica that started within the second is measured from its start
                double cpu = e.getValue().minus(before.getOrDefault(r, Duration.ZERO)).toNanos() / 1e9 / seconds;
                long rss = ProcessView.rss(pids).values().stream().mapToLong(Long::longValue).sum();
                table.row(r.name(stack.project), Long.toString(r.pid()), percent(cpu),
                        String.format(Locale.ROOT, "%.2fMiB", rss / 1048576.0), percent((double) rss / totalMemory));
            }
            if (terminal && !noStream) out.print(CLEAR);
            table.print(out);
            if (noStream) return 0;
            if (!terminal) out.println();
            if (out.checkError()) return 0; // the reader is gone (stats | head)
            before = now;
        }
    }

    /** CPU time so far of each running replica of the selected services, the state read anew (replicas come and go). */
    private Map<Replica, Duration> cpu(Stack stack) {
        Map<Replica, Duration> cpu = new LinkedHashMap<>();
        for (Replica r : names.of(stack.replicas())) {
            r.process().ifPresent(h -> cpu.put(r, ProcessView.cpu(ProcessView.tree(h))));
        }
        return cpu;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }
}
