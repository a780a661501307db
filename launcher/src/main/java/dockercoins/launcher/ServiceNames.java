package dockercoins.launcher;

import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code SERVICE...} arguments of a verb (a picocli mixin); none means all of them. */
final class ServiceNames {
    @Spec(Spec.Target.MIXEE)
    CommandSpec verb;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all of them).")
    List<String> names = new ArrayList<>();

    /** The services named; an unknown one is a usage error naming it. */
    List<Service> services() {
        try {
            return names.stream().map(Service::parse).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(verb.commandLine(), e.getMessage());
        }
    }

    /** The replicas of the services named, of all when none is. */
    List<Replica> of(List<Replica> replicas) {
        List<Service> services = services();
        return replicas.stream().filter(r -> services.isEmpty() || services.contains(r.service())).toList();
    }
}
