package dockercoins.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./dockercoins down}: stops every replica and removes the stack's state and logs. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops every replica gracefully and removes the stack's state and logs "
                + "(the jars, the extracted redis-server and the class-data caches stay).")
final class Down implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Override
    public Integer call() throws Exception {
        invocation.change(stack -> {
            stack.supervisor.stopInOrder(stack.replicas());
            stack.removeAll();
        });
        return 0;
    }
}
