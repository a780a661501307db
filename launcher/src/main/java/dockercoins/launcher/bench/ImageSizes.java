package dockercoins.launcher.bench;

import dockercoins.launcher.stack.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bench's image sizes, when a container engine answers: each service's image as Compose
 * built it from this folder ({@code <project>_<service>} for docker-compose 1, {@code
 * <project>-<service>} for Compose 2, the project being COMPOSE_PROJECT_NAME or the folder's
 * name), as {@code docker image inspect} reports its size.
 */
final class ImageSizes {
    private final BenchRun run;

    ImageSizes(BenchRun run) {
        this.run = run;
    }

    void run() {
        String project = Optional.ofNullable(run.environment.get("COMPOSE_PROJECT_NAME"))
                .orElse(composeName(run.projectDir.toAbsolutePath().normalize().getFileName().toString()));
        int found = 0;
        for (Service s : List.of(Service.RNG, Service.HASHER, Service.WORKER, Service.WEBUI)) {
            run.progress.live("images: " + s);
            for (String image : List.of(project + "_" + s, project + "-" + s)) {
                Optional<Double> bytes = size(image);
                if (bytes.isEmpty()) continue;
                run.report.add(Figure.of("image." + s + ".size_mb", s + ": image size (" + image + ")", bytes.get() / 1e6, "MB"));
                found++;
                break;
            }
        }
        run.progress.done(found > 0 ? String.format(Locale.ROOT, "images: %d sizes from the container engine", found)
                : "images: no engine answered, or no image built from this folder (docker compose build): sizes not measured");
    }

    /** Compose's project name from a folder name: lower case, letters and digits (and - _). */
    static String composeName(String folder) {
        return folder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    }

    private Optional<Double> size(String image) {
        try {
            Process p = new ProcessBuilder("docker", "image", "inspect", "-f", "{{.Size}}", image)
                    .redirectErrorStream(true).start();
            run.spawned.add(p);
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) return Optional.empty();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                return p.exitValue() == 0 && out.matches("[0-9]+") ? Optional.of(Double.parseDouble(out)) : Optional.empty();
            } finally {
                run.stopProcess(p);
            }
        } catch (IOException e) {
            return Optional.empty(); // no docker client
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
