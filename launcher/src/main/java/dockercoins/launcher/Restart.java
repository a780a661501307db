package dockercoins.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Stops, then starts again the replicas of the given services (all by default), as they were.")
final class Restart implements Callable<Integer> {
    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all of them).")
    List<String> serviceNames = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<Service> services = Launcher.services(spec, serviceNames);
        Stack stack = launcher.stack(spec.commandLine().getOut());
        try (AutoCloseable lock = stack.lock()) {
            Stop.stop(stack, services);
            Start.start(stack, services);
        }
        return 0;
    }
}
