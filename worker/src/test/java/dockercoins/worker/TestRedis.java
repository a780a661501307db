package dockercoins.worker;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * A real redis-server on a free port of 127.0.0.1: the one on PATH, else the binary that the
 * embedded-redis artifact ships, so the tests also pass on a fresh machine.
 */
final class TestRedis implements AutoCloseable {

    final int port;
    private final Process pathServer;
    private final RedisServer embeddedServer;

    /** @param password null for none */
    static TestRedis start(String password) throws IOException {
        int port = freePort();
        Path onPath = onPath("redis-server");
        if (onPath != null) {
            var command = new ArrayList<>(List.of(onPath.toString(), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            if (password != null) {
                command.addAll(List.of("--requirepass", password));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            var redis = new TestRedis(port, process, null);
            redis.awaitPing(password);
            return redis;
        }
        var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no");
        if (password != null) {
            builder.setting("requirepass " + password);
        }
        RedisServer server = builder.build();
        server.start();
        var redis = new TestRedis(port, null, server);
        redis.awaitPing(password);
        return redis;
    }

    private TestRedis(int port, Process pathServer, RedisServer embeddedServer) {
        this.port = port;
        this.pathServer = pathServer;
        this.embeddedServer = embeddedServer;
    }

    RedisClient client() {
        return RedisClient.create("127.0.0.1", port);
    }

    private void awaitPing(String password) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (true) {
            try (var client = RedisClient.create("127.0.0.1", port, null, password)) {
                client.ping();
                return;
            } catch (RuntimeException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                sleep(Duration.ofMillis(50));
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (pathServer != null) {
            pathServer.destroyForcibly();
        } else {
            embeddedServer.stop();
        }
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
