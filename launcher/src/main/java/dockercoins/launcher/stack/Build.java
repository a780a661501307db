package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builds the service jars with the Maven wrapper when missing, older than their sources, or asked to. */
public final class Build {
    private Build() {
    }

    public static Path jar(Path projectDir, Service s) {
        return projectDir.resolve(s.id()).resolve("target").resolve(s.id() + ".jar");
    }

    /** A jar needs building when it is missing or older than its module's pom.xml or anything under src/. */
    static boolean stale(Path projectDir, Service s) {
        Path jar = jar(projectDir, s);
        if (!Files.isRegularFile(jar)) return true;
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            Path module = projectDir.resolve(s.id());
            if (Files.getLastModifiedTime(module.resolve("pom.xml")).compareTo(built) > 0) return true;
            Path src = module.resolve("src");
            if (!Files.isDirectory(src)) return false;
            try (Stream<Path> files = Files.walk(src)) {
                return files.anyMatch(f -> {
                    try {
                        return Files.isRegularFile(f) && Files.getLastModifiedTime(f).compareTo(built) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                });
            }
        } catch (IOException e) {
            return true;
        }
    }

    public static void ensure(Path projectDir, Path home, Collection<Service> services, boolean force, PrintWriter out) {
        List<Service> todo = services.stream()
                .filter(Service::isJava)
                .filter(s -> force || stale(projectDir, s))
                .distinct().sorted().toList();
        if (todo.isEmpty()) return;
        String modules = todo.stream().map(Service::id).collect(Collectors.joining(","));
        Path mvnw = projectDir.resolve("mvnw");
        if (!Files.isRegularFile(mvnw)) {
            throw new LaunchException("cannot build " + modules + ": no Maven wrapper at " + mvnw);
        }
        out.println("Building " + modules.replace(",", ", ") + " with ./mvnw (the first build downloads dependencies: "
                + "a minute or two); full log in " + projectDir.relativize(home.resolve("build.log")));
        out.flush();
        List<String> command = new ArrayList<>(List.of(mvnw.toString(), "-B", "-ntp", "-pl", modules,
                "package", "-Dmaven.test.skip=true"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(projectDir.toFile()).redirectErrorStream(true);
        // Maven runs on the launcher's JDK; the toolchains plugin still picks the JDK that compiles.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (Runtime.version().feature() >= 23) {
            // Maven 3.9 on JDK 24+ warns about sun.misc.Unsafe on every run: Maven's business, not the learner's.
            String opts = pb.environment().getOrDefault("MAVEN_OPTS", "");
            pb.environment().put("MAVEN_OPTS", (opts + " --sun-misc-unsafe-memory-access=allow").strip());
        }
        int code;
        try {
            Files.createDirectories(home);
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 Writer log = Files.newBufferedWriter(home.resolve("build.log"))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.write(line);
                    log.write('\n');
                    if (progress(line)) {
                        out.println(" " + line);
                        out.flush();
                    }
                }
            }
            code = p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("build interrupted");
        }
        if (code != 0) {
            throw new LaunchException("build of " + modules + " failed (./mvnw exit " + code + "); see "
                    + projectDir.relativize(home.resolve("build.log")));
        }
    }

    /** The lines that show progress without Maven's noise: module headers, errors, the verdict. */
    static boolean progress(String line) {
        return line.startsWith("[INFO] Building ") || line.startsWith("[ERROR]")
                || line.startsWith("[INFO] BUILD") || line.startsWith("[INFO] --- ");
    }
}
