package dockercoins.launcher;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Shows the replicas' output, each line behind its replica's name (worker-2  | ...), merged by time.")
final class Logs implements Callable<Integer> {
    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines (and replicas that appear) until Ctrl-C.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "all",
            description = "Number of lines to show from the end of each replica's log, or 'all' (default: ${DEFAULT-VALUE}).")
    String tail;

    @Option(names = {"-t", "--timestamps"}, description = "Show the time each line was written.")
    boolean timestamps;

    @Option(names = "--no-color", description = "Print without colours.")
    boolean noColor;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all of them).")
    List<String> serviceNames = new ArrayList<>();

    @Override
    public Integer call() {
        List<Service> services = Launcher.services(spec, serviceNames);
        int lines = parseTail(tail);
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = launcher.stack(out);
        Set<Service> selected = services.isEmpty() ? EnumSet.allOf(Service.class) : EnumSet.copyOf(services);
        LogStream stream = new LogStream(stack, out, launcher.colour(noColor), timestamps);
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
        throw new ParameterException(spec.commandLine(), "--tail must be a number of lines or 'all', got \"" + text + "\"");
    }
}
