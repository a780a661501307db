package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dockercoins.launcher.os.Ports;
import dockercoins.launcher.stack.Stack;
import dockercoins.launcher.stack.StackSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A stack run through the real {@code ./dockercoins} script, for the end-to-end tests: its own
 * project name and port base, so a user's stack is never touched, and the services' knobs of the
 * caller's environment left out.
 */
public final class ScriptedStack {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

    record Result(int exit, String out, String err) {
    }

    final Path projectDir = Path.of("").toAbsolutePath().getParent();
    final String project;
    /** webui's port; rng and hasher take the next two. */
    final int base;
    /** Where the published ports listen: loopback, so that no test opens a port to the network (but the one that checks it). */
    String publishAddress = Stack.LOOPBACK;
    /** Variables every command gets, over the knobs removed from this JVM's environment (e.g. CHAOS=on). */
    final Map<String, String> env = new java.util.HashMap<>();
    private final Set<Long> pids = new LinkedHashSet<>();
    private final Set<Integer> ports = new LinkedHashSet<>();

    /** The first port base from {@code from} (in steps of 10) where base + each offset is free. */
    ScriptedStack(String project, int from, int... offsets) {
        this.project = project + ProcessHandle.current().pid();
        int candidate = from + (int) (ProcessHandle.current().pid() % 200) * 10;
        while (!IntStream.of(offsets).allMatch(free(candidate))) candidate += 10;
        this.base = candidate;
    }

    ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(projectDir.resolve("dockercoins").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(projectDir.toFile());
        Map<String, String> env = pb.environment();
        env.put("DOCKERCOINS_PORT_BASE", Integer.toString(base));
        env.put("DOCKERCOINS_PROJECT_NAME", project);
        for (String knob : StackSettings.KNOBS) env.remove(knob);
        env.remove("BIND_ADDRESS");
        env.remove("DOCKERCOINS_PUBLISH_ADDRESS");
        if (publishAddress != null) env.put("DOCKERCOINS_PUBLISH_ADDRESS", publishAddress);
        env.putAll(this.env);
        return pb;
    }

    /** Runs one command to its end (3 minutes at most). */
    Result run(String... args) throws Exception {
        Path err = Files.createTempFile("dockercoins", ".err");
        try {
            Process p = builder(args).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("./dockercoins " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Notes every pid and port the stack's state names now, so down can be checked against them. */
    Set<Integer> recordPidsAndPorts() throws IOException {
        try (Stream<Path> files = Files.list(projectDir.resolve(".dockercoins").resolve(project).resolve("state"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(f)) {
                    p.load(in);
                }
                pids.add(Long.parseLong(p.getProperty("pid")));
                int port = Integer.parseInt(p.getProperty("port"));
                if (port > 0) ports.add(port);
            }
        }
        return ports;
    }

    /** What the stack's state records of one replica ({@code redis-1}): pid, port, start time. */
    Properties record(String replica) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(projectDir.resolve(".dockercoins").resolve(project).resolve("state")
                .resolve(replica + ".properties"))) {
            p.load(in);
        }
        return p;
    }

    /** {@code down}, then no process it ever recorded alive, no supervisor, no port open, no state left. */
    void downLeavesNothing() throws Exception {
        recordPidsAndPorts();
        Result down = run("down");
        assertEquals(0, down.exit(), down.err());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        }
        Path stackDir = projectDir.resolve(".dockercoins").resolve(project);
        await(Duration.ofSeconds(5), "no supervisor left", () -> ProcessHandle.allProcesses()
                .noneMatch(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(stackDir.toString())));
        for (int port : ports) assertFalse(Ports.accepts(port), "port " + port + " still open");
        assertFalse(Files.exists(stackDir), stackDir + " is left");
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.sleep(200);
        }
    }

    private static IntPredicate free(int base) {
        return offset -> !Ports.accepts(base + offset);
    }
}
