package dockercoins.launcher;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Starts the stopped replicas of an existing stack (after stop or a crash), as they were.")
final class Start implements Callable<Integer> {
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
            start(stack, services);
        }
        return 0;
    }

    static void start(Stack stack, List<Service> services) {
        Map<Service, Integer> existing = new EnumMap<>(Service.class);
        for (Replica r : stack.replicas()) {
            if (services.isEmpty() || services.contains(r.service())) existing.merge(r.service(), r.index(), Math::max);
        }
        if (existing.isEmpty()) {
            throw new LaunchException("nothing to start: no replicas" + (services.isEmpty() ? "" : " of " + services)
                    + " exist; create them with ./dockercoins up -d");
        }
        stack.converge(existing, Stack.Mode.START);
    }
}
