package dockercoins.launcher;

import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./dockercoins stop}: stops replicas gracefully and keeps their state. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops running replicas gracefully (SIGTERM; workers first, so they flush their count to Redis). "
                + "They stay listed by ps until down.")
final class Stop implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Override
    public Integer call() throws Exception {
        List<Service> services = names.services();
        invocation.change(stack -> stop(stack, services));
        return 0;
    }

    static void stop(Stack stack, List<Service> services) {
        stack.supervisor.stopInOrder(stack.replicas().stream()
                .filter(r -> services.isEmpty() || services.contains(r.service())).toList());
    }
}
