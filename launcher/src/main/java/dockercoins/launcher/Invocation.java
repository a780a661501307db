package dockercoins.launcher;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.stack.Stack;
import java.io.PrintWriter;
import java.nio.file.Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every verb shares (a picocli mixin): the stack this invocation works on, from the global
 * options before the verb, and the writer the verb prints to.
 */
@Command // picocli takes a class as a mixin only if it has an annotation of its own
final class Invocation {
    @Spec(Spec.Target.MIXEE)
    CommandSpec verb;

    Launcher launcher() {
        return (Launcher) verb.parent().userObject();
    }

    PrintWriter out() {
        return verb.commandLine().getOut();
    }

    Stack stack() {
        return launcher().stack(out());
    }

    /** The stack, once its project directory is known to hold DockerCoins: up and bench build and run from there. */
    Stack stackOfADockerCoinsProject() {
        Stack stack = stack();
        if (!Files.isDirectory(stack.projectDir.resolve("worker"))) {
            throw new LaunchException(stack.projectDir + " is not a DockerCoins project directory (no worker/ in it)");
        }
        return stack;
    }

    /** A change to the stack, made under its lock so that two shells do not race. */
    interface Change {
        void to(Stack stack) throws Exception;
    }

    void change(Change change) throws Exception {
        Stack stack = stack();
        try (AutoCloseable lock = stack.lock()) {
            change.to(stack);
        }
    }

    /** A usage error of this verb: one line, exit status 2. */
    ParameterException usageError(String message) {
        return new ParameterException(verb.commandLine(), message);
    }
}
