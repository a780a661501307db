package dockercoins.launcher;

import dockercoins.launcher.stack.LogStream;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./dockercoins logs}: the replicas' logs merged by time, behind their names (see {@link LogStream}). */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Shows the replicas' output, each line behind its replica's name (worker-2  | ...), merged by time.")
final class Logs implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines (and replicas that appear) until Ctrl-C.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "all",
            description = "Number of lines to show from the end of each replica's log, or 'all' (default: ${DEFAULT-VALUE}).")
    String tail;

    @Option(names = {"-t", "--timestamps"}, description = "Show the time each line was written.")
    boolean timestamps;

    @Option(names = "--no-color", description = "Print without colours.")
    boolean noColor;

    @Override
    public Integer call() {
        List<Service> services = names.services();
        int lines = parseTail(tail);
        PrintWriter out = invocation.out();
        Stack stack = invocation.stack();
        Set<Service> selected = services.isEmpty() ? EnumSet.allOf(Service.class) : EnumSet.copyOf(services);
        LogStream stream = new LogStream(stack, out, invocation.launcher().terminal().colour(noColor), timestamps);
        stream.printTail(stack.replicas().stream().filter(r -> selected.contains(r.service())).toList(), lines);
        if (follow) stream.follow(selected, () -> out.checkError(), false);
        return 0;
    }

    private int parseTail(String text) {
        if (text.equals("all")) return -1;
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invocation.usageError("--tail must be a number of lines or 'all', got \"" + text + "\"");
    }
}
