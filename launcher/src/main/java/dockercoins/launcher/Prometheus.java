package dockercoins.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The extra service of {@code up --with prometheus}: a prometheus binary from PATH (Debian
 * packages one), its config in the stack's state dir and its data in {@code .dockercoins/<project>/prometheus-data}.
 * Targets are file_sd files, one per job (the job names of deploy/observability/prometheus.yml),
 * rewritten on every converge: prometheus watches them, so scaling needs no restart and no signal.
 */
final class Prometheus {
    static final List<Service> JOBS = List.of(Service.RNG, Service.HASHER, Service.WEBUI, Service.WORKER);

    private Prometheus() {
    }

    /** The binary on PATH, or the one-line error that tells what to do. */
    static Path binary(String path) {
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        throw new LaunchException("prometheus is not on PATH: install it (apt-get install prometheus) or leave out --with prometheus");
    }

    static List<String> command(Stack stack, int port) {
        return List.of("prometheus",
                "--config.file=" + config(stack),
                "--web.listen-address=" + stack.bindAddress() + ":" + port,
                "--storage.tsdb.path=" + stack.dir.resolve("prometheus-data"));
    }

    static Path config(Stack stack) {
        return stack.stateDir.resolve("prometheus.yml");
    }

    /** The config (same for the life of the stack) and one targets file per job, from the replicas in the state. */
    static void write(Stack stack) {
        StringBuilder yml = new StringBuilder("""
                # Written by ./dockercoins up --with prometheus. The targets, one file per job beside this one,
                # are rewritten on every up, scale and start; prometheus re-reads them by itself.
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                scrape_configs:
                """);
        for (Service job : JOBS) {
            yml.append("- job_name: ").append(job.id()).append('\n')
                    .append("  file_sd_configs:\n")
                    .append("  - files: [prometheus-").append(job.id()).append(".json]\n");
            List<String> groups = new ArrayList<>();
            for (Replica r : stack.replicas(job)) {
                if (r.port() <= 0) continue;
                groups.add("{\"targets\": [\"127.0.0.1:" + r.port() + "\"], \"labels\": {\"replica\": \"" + r.shortName() + "\"}}");
            }
            writeAtomically(stack.stateDir.resolve("prometheus-" + job.id() + ".json"), "[\n" + String.join(",\n", groups) + "\n]\n");
        }
        writeAtomically(config(stack), yml.toString());
    }

    /** Prometheus must never read a half-written targets file: write aside, then rename. */
    private static void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
