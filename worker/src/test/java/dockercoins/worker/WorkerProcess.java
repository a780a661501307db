package dockercoins.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

/** The worker run for real, as a separate JVM: its log lines and SIGTERM are the real ones. */
final class WorkerProcess implements AutoCloseable {

    final Process process;
    final Queue<String> stdout = new ConcurrentLinkedQueue<>();
    final Queue<String> stderr = new ConcurrentLinkedQueue<>();

    static WorkerProcess start(Map<String, String> env, String... jvmOptions) throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName()));
        var builder = new ProcessBuilder(command);
        builder.environment().keySet().removeAll(List.of("RNG_URL", "HASHER_URL", "REDIS_URL", "WORKER_DELAY", "DEBUG", "METRICS_PORT",
                "KEEP_ALIVE", "IGNORE_SIGTERM", "JAVA_TOOL_OPTIONS", "REPLICA_NAME", "CHAOS_ERROR_RATE", "VERSION", "COLOR", "MESSAGE"));
        builder.environment().putAll(env);
        return new WorkerProcess(builder.start());
    }

    private WorkerProcess(Process process) {
        this.process = process;
        collect(process.getInputStream(), stdout);
        collect(process.getErrorStream(), stderr);
    }

    private static void collect(InputStream stream, Queue<String> lines) {
        Thread.ofPlatform().daemon().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // the process is gone (or killed while a line was being read)
            }
        });
    }

    /** Waits for a stdout line matching the regex (searched with find) and returns it. */
    String awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : stdout) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            pause(Duration.ofMillis(20));
        }
        throw new AssertionError("no line matching /" + regex + "/ within " + timeout + "; output:\n"
                + String.join("\n", stdout) + "\nstderr:\n" + String.join("\n", stderr));
    }

    long countLines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return stdout.stream().filter(line -> pattern.matcher(line).find()).count();
    }

    String output() {
        return String.join("\n", stdout) + "\nstderr:\n" + String.join("\n", stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
