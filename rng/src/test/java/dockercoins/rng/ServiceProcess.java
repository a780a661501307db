package dockercoins.rng;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's main class run as a real JVM process (same java, same classpath), output captured. */
final class ServiceProcess implements AutoCloseable {
    private static final List<String> SETTINGS = List.of("PORT", "BIND_ADDRESS", "RNG_DELAY", "RNG_CONCURRENCY", "RNG_READY_MAX_QUEUE",
            "HASHER_DELAY", "SHUTDOWN_DRAIN", "ACCESS_LOG", "DEBUG", "JAVA_TOOL_OPTIONS", "REDIS_URL", "FILES_DIR", "CHAOS", "CHAOS_PORT",
            "CHAOS_ERROR_RATE", "CHAOS_LATENCY", "CHAOS_READY", "CHAOS_HEALTHY", "CHAOS_CPU", "CHAOS_MEMORY", "VERSION", "COLOR", "MESSAGE");
    final Process process;
    /** stdout and stderr, one entry per line. */
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    ServiceProcess(Class<?> main, Map<String, String> env) {
        this(main, env, List.of());
    }

    ServiceProcess(Class<?> main, Map<String, String> env, List<String> jvmOptions) {
        this(List.of(), main, env, jvmOptions);
    }

    /** Run through a wrapper command first, e.g. setpriv to take a capability away. */
    ServiceProcess(List<String> wrapper, Class<?> main, Map<String, String> env, List<String> jvmOptions) {
        var command = new java.util.ArrayList<String>(wrapper);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeAll(SETTINGS);
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = Thread.ofVirtual().start(() -> {
            try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.add(line);
            } catch (IOException ended) {
                // the process is gone
            }
        });
    }

    /** The first output line matching the pattern, waiting up to the timeout for it. */
    Matcher awaitLine(Pattern pattern, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : lines) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) return matcher;
            }
            pause();
        }
        throw new AssertionError("no line matching " + pattern + " within " + timeout + "; output: " + lines);
    }

    /** The port from the start-up line "... listening on port N" (webui: "running on port N"). */
    int awaitPort() {
        return Integer.parseInt(awaitLine(Pattern.compile("(?:listening|running) on port (\\d+)"), Duration.ofSeconds(20)).group(1));
    }

    /** SIGTERM, keeping its output readable: Process.destroy() would also close our end of the pipe. */
    void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end and for its output to be read; returns the exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output: " + lines);
        }
        reader.join(Duration.ofSeconds(5)); // the last lines are read
        return process.exitValue();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
