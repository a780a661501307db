package dockercoins.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags of every Java replica, and the class-data cache that makes its start cheaper. */
final class JvmOptions {
    /**
     * Tuned for many small JVMs on a small machine (labs run 10 workers): see docs/rng-hasher.md
     * for the measurements. -Xms4m lets the heap start small instead of at its maximum (8 MB less
     * RSS each).
     */
    static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx32m", "-Xss256k", "-XX:TieredStopAtLevel=1");

    /** What a replica does with its service's class-data cache. */
    enum Cache {
        /** Writes the cache when there is no usable one (replica 1: the first to start). */
        TRAIN_IF_MISSING,
        /** Uses the cache when there is one, never writes it (the other replicas, the bench). */
        USE_IF_PRESENT
    }

    private JvmOptions() {
    }

    static String java() {
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
