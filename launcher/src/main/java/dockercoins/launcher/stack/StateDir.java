package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.AtomicFile;
import dockercoins.launcher.os.Pause;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The folder of one stack, {@code .dockercoins/<project>/}, so that any shell can run ps, logs or
 * down: a record per replica in {@code state/}, its log in {@code logs/}, the stack's remembered
 * settings in {@code stack.properties}, and the lock that serialises commands changing the stack.
 */
public final class StateDir {
    static final Duration LOCK_PATIENCE = Duration.ofMinutes(2);

    final Path dir;
    /** {@code state/}: a record per replica, with its pid and exit files. */
    final Path records;
    final Path logs;

    StateDir(Path home, String project) {
        this.dir = home.resolve(project);
        this.records = dir.resolve("state");
        this.logs = dir.resolve("logs");
    }

    List<Replica> replicas() {
        if (!Files.isDirectory(records)) return List.of();
        try (Stream<Path> files = Files.list(records)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties"))
                    .map(Replica::load)
                    .filter(Objects::nonNull)
                    .sorted(Comparator.comparing(Replica::service).thenComparingInt(Replica::index))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void save(Replica r) {
        r.save(file(r.service(), r.index(), ".properties"));
    }

    public Path logFile(Service s, int index) {
        return logs.resolve(s.id() + "-" + index + ".log");
    }

    public Path logFile(Replica r) {
        return logFile(r.service(), r.index());
    }

    /** Where the supervisor writes the replica's pid once it runs. */
    Path pidFile(Service s, int index) {
        return file(s, index, ".pid");
    }

    /** Where the supervisor writes the exit code (128+signal when killed) once the replica ends. */
    Path exitFile(Service s, int index) {
        return file(s, index, ".exit");
    }

    /** The exit code the supervisor recorded, or empty when there is none (killed with it, or a reboot). */
    public Optional<String> exitCode(Replica r) {
        try {
            return Optional.of(Files.readString(exitFile(r.service(), r.index())).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path file(Service s, int index, String suffix) {
        return records.resolve(s.id() + "-" + index + suffix);
    }

    /** {@code .dockercoins/<project>/<service>-data/}, created if missing: what a service keeps until down (redis' AOF and RDB). */
    Path dataDir(Service s) {
        Path data = dir.resolve(s.id() + "-data");
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    /** Forgets a replica: its record, pid and exit code (its log stays until removed). */
    public void forget(Replica r) {
        for (String suffix : List.of(".properties", ".pid", ".exit")) {
            deleteQuietly(file(r.service(), r.index(), suffix));
        }
    }

    void deleteLog(Replica r) {
        deleteQuietly(logFile(r));
    }

    /** What the stack remembers between commands (its port base, redis' port, prometheus on). */
    Properties settings() {
        Properties p = new Properties();
        Path file = dir.resolve("stack.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                // unreadable state is not trusted: defaults apply
            }
        }
        return p;
    }

    void saveSettings(Properties p) {
        try {
            AtomicFile.write(dir.resolve("stack.properties"), aside -> {
                try (Writer w = Files.newBufferedWriter(aside)) {
                    p.store(w, "dockercoins launcher: ports of this stack");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serialises commands that change the stack, across shells: waits for the holder (saying so
     * once), and gives up after {@code patience} with a line naming the lock file.
     */
    AutoCloseable lock(PrintWriter out, Duration patience) {
        Path file = dir.resolve("lock");
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + patience.toNanos();
            boolean told = false;
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return () -> {
                        lock.release();
                        channel.close();
                    };
                }
                if (System.nanoTime() > deadline) {
                    channel.close();
                    throw new LaunchException("another ./dockercoins command holds " + file);
                }
                if (!told) {
                    out.println("Waiting for another ./dockercoins command to finish...");
                    out.flush();
                    told = true;
                }
                Pause.millis(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    AutoCloseable lock(PrintWriter out) {
        return lock(out, LOCK_PATIENCE);
    }

    /** Null while another holds it: another process, or (the JVM's own rule) another channel in this one. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Removes the stack's folder: state, logs, data (the caches in .dockercoins/bin and cds stay). */
    void delete() {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(StateDir::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }
}
