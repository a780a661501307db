package dockercoins.launcher;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.stack.Converge;
import dockercoins.launcher.stack.ConvergeMode;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./dockercoins start}: starts the stopped replicas again, as they were. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Starts the stopped replicas of an existing stack (after stop or a crash), as they were.")
public final class Start implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Override
    public Integer call() throws Exception {
        List<Service> services = names.services();
        invocation.change(stack -> start(stack, services));
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
        new Converge(stack).run(existing, ConvergeMode.START);
    }
}
