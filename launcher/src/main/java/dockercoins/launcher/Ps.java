package dockercoins.launcher;

import dockercoins.launcher.console.Table;
import dockercoins.launcher.os.Ports;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./dockercoins ps}: one line per replica, as {@code docker compose ps}. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "Lists the replicas: name, service, status (with the exit code of a stopped or crashed one), pid and ports.")
final class Ps implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = {"-a", "--all"}, description = "Accepted for Compose compatibility: stopped replicas are always listed.")
    boolean all;

    @Override
    public Integer call() {
        names.services(); // an unknown name is a usage error, before any state is read
        Stack stack = invocation.stack();
        Table table = new Table("NAME", "SERVICE", "STATUS", "PID", "PORTS");
        for (Replica r : names.of(stack.replicas()).stream()
                .sorted(Comparator.comparing((Replica r) -> r.service().id()).thenComparingInt(Replica::index)).toList()) {
            var process = r.process();
            String status = process.map(h -> "Up " + ago(h.info().startInstant()
                            .map(i -> Duration.between(i, Instant.now())).orElse(Duration.ZERO)))
                    .orElseGet(() -> "exited (" + stack.state.exitCode(r).orElse("unknown") + ")");
            table.row(r.name(stack.project), r.service().id(), status,
                    process.map(h -> Long.toString(h.pid())).orElse("-"),
                    r.port() > 0 ? Ports.hostPort(stack.listenAddress(r.service(), r.index()), r.port()) : "");
        }
        table.print(invocation.out());
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
