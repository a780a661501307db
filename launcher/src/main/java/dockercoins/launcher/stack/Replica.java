package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.AtomicFile;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * One process of a service, as recorded in {@code .dockercoins/<project>/state/<service>-<n>.properties}.
 * The pid alone is never trusted: a process counts as ours only if its start time matches too
 * (after a kill -9 or a reboot the pid may belong to someone else).
 */
public record Replica(Service service, int index, long pid, long startMillis, int port, String fingerprint, long createdMillis) {

    /** Compose v2 container name, e.g. {@code dockercoins-worker-2}. */
    public String name(String project) {
        return project + "-" + shortName();
    }

    /** Compose v2 log prefix, e.g. {@code worker-2}. */
    public String shortName() {
        return service.id() + "-" + index;
    }

    /** The replica's process, only if the pid is alive AND was started when we recorded. */
    public Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
            if (startMillis == 0) return false;
            return h.info().startInstant()
                    .map(started -> Math.abs(started.toEpochMilli() - startMillis) < 1000)
                    .orElse(false);
        });
    }

    public boolean isRunning() {
        return process().isPresent();
    }

    public void save(Path file) {
        Properties p = new Properties();
        p.setProperty("service", service.id());
        p.setProperty("index", Integer.toString(index));
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("startMillis", Long.toString(startMillis));
        p.setProperty("port", Integer.toString(port));
        p.setProperty("fingerprint", fingerprint);
        p.setProperty("createdMillis", Long.toString(createdMillis));
        try {
            AtomicFile.write(file, aside -> {
                try (Writer w = Files.newBufferedWriter(aside)) {
                    p.store(w, "dockercoins launcher state: pid is ours only while its start time matches");
                }
            });
        } catch (IOException e) {
            throw new LaunchException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Null when the file is unreadable or half-written: such state is not trusted. */
    static Replica load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            return new Replica(Service.parse(p.getProperty("service")),
                    Integer.parseInt(p.getProperty("index")),
                    Long.parseLong(p.getProperty("pid")),
                    Long.parseLong(p.getProperty("startMillis")),
                    Integer.parseInt(p.getProperty("port")),
                    p.getProperty("fingerprint", ""),
                    Long.parseLong(p.getProperty("createdMillis", "0")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
