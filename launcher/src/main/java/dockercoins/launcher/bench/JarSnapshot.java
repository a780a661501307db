package dockercoins.launcher.bench;

import dockercoins.launcher.os.AtomicFile;
import dockercoins.launcher.stack.Build;
import dockercoins.launcher.stack.JvmOptions;
import dockercoins.launcher.stack.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The copy of the jars (and of webui's files) the bench runs, in .dockercoins/bench-project/: a
 * teammate's rebuild in the middle of a run would otherwise change the jar under the stack (the
 * launcher then recreates the replicas, or finds no jar). The copy keeps its class-data caches
 * from run to run, and its stack state in its own .dockercoins/.
 */
public final class JarSnapshot {
    private JarSnapshot() {
    }

    public static Path folder(Path project) {
        return project.resolve(".dockercoins").resolve("bench-project");
    }

    public static Path take(Path project) throws IOException {
        Path copy = folder(project);
        for (Service s : Service.compose()) {
            if (!s.isJava()) continue;
            copyIfChanged(Build.jar(project, s), Build.jar(copy, s));
            Path flags = Path.of(s.id(), JvmOptions.FLAGS_FILE);
            copyIfChanged(project.resolve(flags), copy.resolve(flags));
        }
        Path lib = Path.of("launcher", "target", "lib", "embedded-redis.jar");
        copyIfChanged(project.resolve(lib), copy.resolve(lib));
        Path files = project.resolve("webui").resolve("files");
        if (Files.isDirectory(files)) {
            try (Stream<Path> paths = Files.walk(files)) {
                for (Path f : paths.filter(Files::isRegularFile).toList()) {
                    copyIfChanged(f, copy.resolve("webui").resolve("files").resolve(files.relativize(f).toString()));
                }
            }
        }
        Files.createDirectories(copy.resolve("worker"));
        return copy;
    }

    private static void copyIfChanged(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) return;
        if (Files.isRegularFile(to) && Files.size(to) == Files.size(from)
                && Files.getLastModifiedTime(to).equals(Files.getLastModifiedTime(from))) return;
        AtomicFile.write(to, aside -> Files.copy(from, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES));
    }
}
