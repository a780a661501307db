package dockercoins.launcher;

import dockercoins.launcher.stack.Service;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./dockercoins restart}: stop, then start, of the services named. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Stops, then starts again the replicas of the given services (all by default), as they were.")
final class Restart implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Override
    public Integer call() throws Exception {
        List<Service> services = names.services();
        invocation.change(stack -> {
            Stop.stop(stack, services);
            Start.start(stack, services);
        });
        return 0;
    }
}
