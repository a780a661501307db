package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags of every Java replica, and the class-data cache that makes its start cheaper. */
public final class JvmOptions {
    /** Each service's flags, in java's @-file format; its Dockerfile reads the same file. */
    public static final String FLAGS_FILE = "jvm.flags";

    /** What a replica does with its service's class-data cache. */
    public enum Cache {
        /** Writes the cache when there is no usable one (replica 1: the first to start). */
        TRAIN_IF_MISSING,
        /** Uses the cache when there is one, never writes it (the other replicas, the bench). */
        USE_IF_PRESENT
    }

    private JvmOptions() {
    }

    /**
     * The flags in {@code <service>/jvm.flags}: one source for the launcher and the images
     * (tuned for many small JVMs on a small machine, see the file). Comments start with #.
     */
    public static List<String> flags(Path projectDir, Service s) {
        Path file = projectDir.resolve(s.id()).resolve(FLAGS_FILE);
        try {
            List<String> flags = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String code = line.replaceFirst("#.*", "").strip();
                if (!code.isEmpty()) flags.addAll(List.of(code.split("\\s+")));
            }
            return flags;
        } catch (IOException e) {
            throw new LaunchException("cannot read the JVM flags of " + s.id() + " in " + file + ": " + e.getMessage());
        }
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * JDK 25+: an AOT cache (start-up ~25 % less CPU, ~8 MB less RSS per replica), trained on a
     * first run and written when that replica stops, then used while newer than the jar. Older
     * JDKs: a dynamic CDS archive, written at the first exit, half the gain. The caches' own log
     * lines (and a stale cache, which the JVM ignores) stay silent.
     */
    static List<String> cacheFlags(Path cacheDir, Service s, Path jar, Cache cache) {
        if (Runtime.version().feature() < 25) {
            return List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:+AutoCreateSharedArchive",
                    "-XX:SharedArchiveFile=" + cacheDir.resolve(s.id() + ".jsa"));
        }
        Path aot = cacheDir.resolve(s.id() + ".aot");
        List<String> flags = new ArrayList<>(List.of("-Xlog:aot=off", "-Xlog:cds=off"));
        if (newerThan(aot, jar)) {
            flags.add("-XX:AOTCache=" + aot);
        } else if (cache == Cache.TRAIN_IF_MISSING) {
            flags.add("-XX:AOTCacheOutput=" + aot);
        }
        return flags;
    }

    private static boolean newerThan(Path cache, Path jar) {
        try {
            return Files.isRegularFile(cache) && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false; // no usable cache
        }
    }
}
