package dockercoins.launcher;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "Lists the replicas: name, service, status (with the exit code of a stopped or crashed one), pid and ports.")
final class Ps implements Callable<Integer> {
    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "Accepted for Compose compatibility: stopped replicas are always listed.")
    boolean all;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all of them).")
    List<String> serviceNames = new ArrayList<>();

    @Override
    public Integer call() {
        List<Service> services = Launcher.services(spec, serviceNames);
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = launcher.stack(out);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SERVICE", "STATUS", "PID", "PORTS"});
        List<Replica> replicas = stack.replicas().stream()
                .filter(r -> services.isEmpty() || services.contains(r.service()))
                .sorted(Comparator.comparing((Replica r) -> r.service().id()).thenComparingInt(Replica::index))
                .toList();
        for (Replica r : replicas) {
            var process = stack.process(r);
            String status = process.map(h -> "Up " + ago(h.info().startInstant()
                            .map(i -> Duration.between(i, java.time.Instant.now())).orElse(Duration.ZERO)))
                    .orElseGet(() -> "exited (" + stack.exitCode(r).orElse("unknown") + ")");
            rows.add(new String[] {r.name(stack.project), r.service().id(), status,
                    process.map(h -> Long.toString(h.pid())).orElse("-"),
                    r.port() > 0 ? stack.bindAddress() + ":" + r.port() : ""});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
        return 0;
    }

    /** Docker's wording: "Up 5 seconds", "Up About a minute", "Up 3 minutes", "Up About an hour". */
    static String ago(Duration d) {
        long s = d.toSeconds();
        if (s < 1) return "Less than a second";
        if (s < 60) return s + " second" + (s == 1 ? "" : "s");
        if (s < 120) return "About a minute";
        if (s < 3600) return s / 60 + " minutes";
        if (s < 7200) return "About an hour";
        if (s < 48 * 3600) return s / 3600 + " hours";
        return s / 86400 + " days";
    }
}
