package dockercoins.launcher;

import dockercoins.launcher.console.Table;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./dockercoins top}: each running replica's processes, one table per replica, as
 * {@code docker compose top} shows each container's.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Shows the processes of each running replica, like docker compose top: a table per replica "
                + "with the user that runs each process, its PID, its parent's PID, the CPU time it has used so far "
                + "and its command line.",
                "Stopped replicas are left out. The parent of a replica is its supervisor (supervise.pl), which writes its log."})
final class Top implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Override
    public Integer call() {
        names.services(); // an unknown name is a usage error, before any state is read
        Stack stack = invocation.stack();
        PrintWriter out = invocation.out();
        boolean first = true;
        for (Replica r : names.of(stack.replicas())) {
            var process = r.process();
            if (process.isEmpty()) continue;
            Table table = new Table("UID", "PID", "PPID", "TIME", "CMD");
            for (ProcessView.Row row : ProcessView.rows(ProcessView.tree(process.get()))) {
                table.row(row.user(), Long.toString(row.pid()), Long.toString(row.ppid()), row.time(), row.command());
            }
            if (!first) out.println();
            first = false;
            out.println(r.name(stack.project));
            table.print(out);
        }
        out.flush();
        return 0;
    }
}
