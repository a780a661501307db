package dockercoins.launcher;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Sets the number of replicas of services, like 'up -d --scale' for those services only.",
                "Scaling rng or hasher restarts the workers gracefully, so that they call every replica."})
final class Scale implements Callable<Integer> {
    @ParentCommand
    Launcher launcher;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SERVICE=NUM", arity = "1..*", converter = ScaleSpec.Converter.class,
            description = "A service and its number of replicas, e.g. worker=10.")
    List<ScaleSpec> scales;

    @Override
    public Integer call() throws Exception {
        Stack stack = launcher.stack(spec.commandLine().getOut());
        Map<Service, Integer> wanted = new EnumMap<>(Service.class);
        for (ScaleSpec s : scales) wanted.put(s.service(), s.replicas());
        try (AutoCloseable lock = stack.lock()) {
            stack.preflight(wanted);
            Build.ensure(stack.projectDir, stack.home, wanted.keySet(), false, spec.commandLine().getOut());
            stack.converge(wanted, Stack.Mode.UP);
        }
        return 0;
    }
}
