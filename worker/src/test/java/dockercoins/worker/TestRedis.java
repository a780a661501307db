package dockercoins.worker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ShutdownParams;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server on a free port of 127.0.0.1: the one on PATH, else the binary shipped in
 * embedded-redis, so that the tests also pass on a fresh machine. The same file in worker and webui.
 */
final class TestRedis implements AutoCloseable {
    final int port = freePort();
    private final String password; // null for none
    private final Path dir = tempDir(); // where SHUTDOWN SAVE writes dump.rdb, read again at the next start
    private Process process;

    TestRedis() {
        this(null);
    }

    /** @param password null for none */
    TestRedis(String password) {
        this.password = password;
        start();
    }

    URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    RedisClient client() {
        return RedisClient.create("127.0.0.1", port, null, password);
    }

    /** Runs commands on a new connection, so that a restart of the server leaves no stale one behind. */
    <T> T call(Function<Jedis, T> commands) {
        try (var jedis = new Jedis("127.0.0.1", port)) {
            if (password != null) jedis.auth(password);
            return commands.apply(jedis);
        }
    }

    /** Starts (or restarts, on the same port) and waits until it answers PING. */
    void start() {
        var command = new ArrayList<>(List.of(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        if (password != null) command.addAll(List.of("--requirepass", password));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try {
                call(Jedis::ping);
                return;
            } catch (RuntimeException e) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) throw new IllegalStateException("redis-server did not start", e);
                sleep(Duration.ofMillis(50));
            }
        }
    }

    /** Stops it without saving: the next start() begins empty. */
    void stop() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(dir.resolve("dump.rdb")); // from an earlier stopSaving()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = null;
    }

    /** Stops it as the official image does on docker stop: it saves its data, which the next start() loads. */
    void stopSaving() {
        call(jedis -> {
            jedis.shutdown(ShutdownParams.shutdownParams().save());
            return null;
        });
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("redis-server did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) Files.delete(file);
            Files.delete(dir);
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it up
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("test-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) return candidate.toString();
        }
        try {
            return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
