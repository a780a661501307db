package dockercoins.launcher;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.console.Terminal;
import dockercoins.launcher.stack.DotEnv;
import dockercoins.launcher.stack.Stack;
import dockercoins.launcher.stack.StackSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./dockercoins}: the DockerCoins stack as local processes, driven with the verbs and
 * flags of Docker Compose, so the workshop's lab runs (and transfers) without a Docker engine.
 * <pre>./dockercoins up -d &amp;&amp; ./dockercoins logs --tail 10 --follow</pre>
 */
@Command(name = "dockercoins", mixinStandardHelpOptions = true, version = "dockercoins launcher 0.1.0",
        synopsisSubcommandLabel = "COMMAND",
        description = {"Runs DockerCoins (redis, rng, hasher, webui, worker) as local processes, "
                + "with the commands and flags of Docker Compose.",
                "State and logs live in .dockercoins/ in the project directory, so any shell can run ps, logs or down."},
        subcommands = {Up.class, Ps.class, Logs.class, Stop.class, Start.class, Restart.class, Scale.class, Down.class,
                Top.class, Stats.class, Chaos.class, Bench.class},
        footer = {"", "Run './dockercoins COMMAND --help' for more information on a command."})
public final class Launcher implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--project-directory", paramLabel = "DIR",
            description = "The directory that holds the services, .env and .dockercoins/ (default: the current directory).")
    Path projectDirectory;

    @Option(names = {"-p", "--project-name"}, paramLabel = "NAME",
            description = "Name of the stack, the prefix of replica names; stacks with different names run side by side "
                    + "(default: $DOCKERCOINS_PROJECT_NAME, else dockercoins).")
    String projectName;

    @Option(names = "--port-base", paramLabel = "PORT",
            description = "Publish webui on PORT, rng on PORT+1 and hasher on PORT+2 "
                    + "(default: $DOCKERCOINS_PORT_BASE, else the stack's current ports, else 8000).")
    Integer portBase;

    @Option(names = "--publish-address", paramLabel = "ADDRESS",
            description = "Listen on ADDRESS with the published ports (webui, rng, hasher, prometheus): 127.0.0.1 keeps them "
                    + "on this machine (default: $DOCKERCOINS_PUBLISH_ADDRESS, else BIND_ADDRESS, else the stack's current "
                    + "address, else 0.0.0.0, every interface, as Compose publishes). Redis, extra replicas and worker "
                    + "metrics always stay on 127.0.0.1.")
    String publishAddress;

    private final Map<String, String> environment;

    Launcher(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (commands: " + commands(spec.commandLine()) + ")");
    }

    /** The stack this invocation works on: project directory, .env (the environment wins), name, ports. */
    Stack stack(PrintWriter out) {
        Path dir = (projectDirectory != null ? projectDirectory : Path.of("")).toAbsolutePath().normalize();
        Map<String, String> env = StackSettings.environment(DotEnv.read(dir.resolve(".env"), environment), environment);
        String name = projectName != null ? projectName : env.getOrDefault("DOCKERCOINS_PROJECT_NAME", "dockercoins");
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new LaunchException("project name must be lower-case letters, digits, '-' or '_', got \"" + name + "\"");
        }
        if (portBase != null) StackSettings.parsePortBase(portBase.toString(), "--port-base");
        Stack stack = new Stack(dir, name, portBase, publishAddress, env, out);
        stack.settings.portBase(); // a malformed DOCKERCOINS_PORT_BASE or address fails here, before anything else
        stack.settings.publishAddress();
        return stack;
    }

    /** Whether the output is a terminal, and whether it may be coloured. */
    Terminal terminal() {
        return Terminal.of(environment);
    }

    private static String commands(CommandLine top) {
        return top.getSubcommands().keySet().stream().collect(Collectors.joining(", "));
    }

    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cl = new CommandLine(new Launcher(environment));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String message = ex.getMessage();
            if (ex instanceof UnmatchedArgumentException u && cmd.getParent() == null && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")) {
                message = "unknown command \"" + u.getUnmatched().get(0) + "\" (commands: " + commands(cmd) + ")";
            }
            String help = cmd.getParent() == null ? "./dockercoins --help" : "./dockercoins " + cmd.getCommandName() + " --help";
            cmd.getErr().println("dockercoins: " + message.replace('\n', ' ').strip() + " (see " + help + ")");
            cmd.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            String message = ex instanceof LaunchException ? ex.getMessage() : "unexpected error: " + ex;
            cmd.getErr().println("dockercoins: " + message);
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }
}
