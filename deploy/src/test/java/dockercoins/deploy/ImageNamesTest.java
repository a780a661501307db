package dockercoins.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No file of ours pulls the original's images (dockercoins/<service>:v0.1 on Docker Hub: Python,
 * Ruby, Node) or an unpinned redis by accident: manifests, the chart, Compose and stack files,
 * and the commands in the docs. The docs may still say where the original's images come from.
 */
class ImageNamesTest {

    static final Path ROOT = Path.of("..");
    /** An image reference to the original's, as a manifest or a command would write it. */
    static final Pattern ORIGINALS = Pattern.compile(
            "(image:\\s*|--image[= ]|=|registry:\\s*)[\"']?dockercoins/(rng|hasher|webui|worker)\\b|registry:\\s*dockercoins\\s*$");
    static final Pattern UNPINNED_REDIS = Pattern.compile("(image:\\s*|--image[= ])[\"']?redis[\"']?\\s*$|--image=redis\\s");

    @Test
    void no_manifest_chart_compose_file_or_doc_command_names_the_originals_images_or_an_unpinned_redis() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (ORIGINALS.matcher(line).find() || UNPINNED_REDIS.matcher(line).find()) {
                    found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + line.strip());
                }
            }
        }
        assertEquals(List.of(), found, "ours are ghcr.io/dockercoins-java/<service>:v0.1 (or $REGISTRY/<service>:$TAG), redis is redis:7");
    }

    static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("compose.yaml"), ROOT.resolve("README.md")));
        for (String dir : List.of("deploy/k8s", "deploy/helm", "deploy/compose", "deploy/swarm", "docs")) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(ya?ml|md|tpl|txt|json)$"))
                        .forEach(files::add);
            }
        }
        return files;
    }
}
