package dockercoins.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stops every replica gracefully and removes the stack's state and logs "
                + "(the jars, the extracted redis-server and the class-data caches stay).")
final class Down implements Callable<Integer> {
    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Stack stack = launcher.stack(spec.commandLine().getOut());
        try (AutoCloseable lock = stack.lock()) {
            stack.stopInOrder(stack.replicas());
            stack.removeAll();
        }
        return 0;
    }
}
