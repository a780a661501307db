package dockercoins.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops running replicas gracefully (SIGTERM; workers first, so they flush their count to Redis). "
                + "They stay listed by ps until down.")
final class Stop implements Callable<Integer> {
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
            stop(stack, services);
        }
        return 0;
    }

    static void stop(Stack stack, List<Service> services) {
        stack.stopInOrder(stack.replicas().stream()
                .filter(r -> services.isEmpty() || services.contains(r.service())).toList());
    }
}
