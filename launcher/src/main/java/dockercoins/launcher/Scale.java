package dockercoins.launcher;

import dockercoins.launcher.stack.Service;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./dockercoins scale}: {@code up -d --scale} for the services named only. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Sets the number of replicas of services, like 'up -d --scale' for those services only.",
                "Scaling rng or hasher restarts the workers gracefully, so that they call every replica."})
final class Scale implements Callable<Integer> {
    @Mixin
    Invocation invocation;

    @Parameters(paramLabel = "SERVICE=NUM", arity = "1..*", converter = ScaleSpec.Converter.class,
            description = "A service and its number of replicas, e.g. worker=10.")
    List<ScaleSpec> scales;

    @Override
    public Integer call() throws Exception {
        Map<Service, Integer> wanted = new EnumMap<>(Service.class);
        for (ScaleSpec s : scales) wanted.put(s.service(), s.replicas());
        invocation.change(stack -> Up.converge(stack, wanted, false, false));
        return 0;
    }
}
