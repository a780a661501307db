package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.AtomicFile;
import dockercoins.launcher.os.Ports;
import dockercoins.launcher.os.SearchPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The extra service of {@code up --with prometheus}: a prometheus binary from PATH (Debian
 * packages one), its config in the stack's state dir and its data in {@code .dockercoins/<project>/prometheus-data}.
 * Targets are file_sd files, one per job (the job names of deploy/observability/prometheus.yml),
 * rewritten on every converge: prometheus watches them, so scaling needs no restart and no signal.
 */
public final class Prometheus {
    static final List<Service> JOBS = List.of(Service.RNG, Service.HASHER, Service.WEBUI, Service.WORKER);

    private Prometheus() {
    }

    /** The binary on PATH, or the one-line error that tells what to do. */
    public static Path binary(String path) {
        return SearchPath.find("prometheus", path).orElseThrow(() -> new LaunchException(
                "prometheus is not on PATH: install it (apt-get install prometheus) or leave out --with prometheus"));
    }

    static String[] arguments(StateDir state, String listenAddress, int port) {
        return new String[] {
            "--config.file=" + config(state),
            "--web.listen-address=" + Ports.hostPort(listenAddress, port),
            "--storage.tsdb.path=" + state.dir.resolve("prometheus-data")};
    }

    static Path config(StateDir state) {
        return state.records.resolve("prometheus.yml");
    }

    /** The config (same for the life of the stack) and one targets file per job, from the replicas in the state. */
    static void write(StateDir state) {
        StringBuilder yml = new StringBuilder("""
                # Written by ./dockercoins up --with prometheus. The targets, one file per job beside this one,
                # are rewritten on every up, scale and start; prometheus re-reads them by itself.
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                scrape_configs:
                """);
        try {
            for (Service job : JOBS) {
                yml.append("- job_name: ").append(job.id()).append('\n')
                        .append("  file_sd_configs:\n")
                        .append("  - files: [prometheus-").append(job.id()).append(".json]\n");
                List<String> groups = new ArrayList<>();
                for (Replica r : state.replicas().stream().filter(r -> r.service() == job).toList()) {
                    if (r.port() <= 0) continue;
                    groups.add("{\"targets\": [\"127.0.0.1:" + r.port() + "\"], \"labels\": {\"replica\": \"" + r.shortName() + "\"}}");
                }
                // prometheus must never read a half-written targets file
                AtomicFile.write(state.records.resolve("prometheus-" + job.id() + ".json"),
                        "[\n" + String.join(",\n", groups) + "\n]\n");
            }
            AtomicFile.write(config(state), yml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
