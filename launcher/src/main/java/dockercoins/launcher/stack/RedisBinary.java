package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.AtomicFile;
import dockercoins.launcher.os.SearchPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real redis-server: the one on PATH, else the binary that the Maven artifact
 * com.github.codemonstur:embedded-redis ships (copied to launcher/target/lib by the build),
 * extracted once to {@code .dockercoins/bin/}.
 */
final class RedisBinary {
    private RedisBinary() {
    }

    static Path find(Path home, Path projectDir, String path) {
        Optional<Path> onPath = SearchPath.find("redis-server", path);
        if (onPath.isPresent()) return onPath.get();
        Path jar = projectDir.resolve("launcher").resolve("target").resolve("lib").resolve("embedded-redis.jar");
        if (!Files.isRegularFile(jar)) {
            throw new LaunchException("no redis-server found: install one (apt install redis-server, brew install redis), "
                    + "rebuild the launcher (./mvnw -q -pl launcher package) to get the embedded one, or set REDIS_URL");
        }
        String suffix = platformSuffix();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.stream()
                    .filter(e -> e.getName().startsWith("redis-server-") && e.getName().endsWith(suffix))
                    .findFirst()
                    .orElseThrow(() -> new LaunchException("no redis-server found on PATH, and embedded-redis has none for "
                            + suffix.substring(1) + ": install redis or set REDIS_URL"));
            Path target = home.resolve("bin").resolve(entry.getName());
            if (!Files.isRegularFile(target) || Files.size(target) != entry.getSize()) {
                AtomicFile.write(target, aside -> {
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, aside, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.setPosixFilePermissions(aside, PosixFilePermissions.fromString("rwxr-xr-x"));
                });
            }
            return target;
        } catch (IOException e) {
            throw new LaunchException("cannot extract redis-server from " + jar + ": " + e.getMessage());
        }
    }

    /** The end of the binary's name in embedded-redis 1.4.4 for this machine, e.g. {@code -linux-amd64}. */
    static String platformSuffix() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("linux") ? "linux" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
        return "-" + o + "-" + a;
    }
}
