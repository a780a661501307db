package dockercoins.launcher.stack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one replica runs: its command, its environment and its port (built by {@link ReplicaSpecs});
 * and a fingerprint that tells whether a running replica must be recreated.
 */
public record ReplicaSpec(Service service, List<String> command, Map<String, String> env, int port, String fingerprint, Path jar) {

    boolean jarMissing() {
        return jar != null && !Files.isRegularFile(jar);
    }

    /** {@code <hash of command and env>-<hash of the jar's time and size>}: the two parts compare separately. */
    static String fingerprint(List<String> command, Map<String, String> vars, String jarStamp) {
        return hash(String.join("\0", command) + "\n" + new TreeMap<>(vars)) + "-" + hash(jarStamp);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a running replica started with {@code recorded} must be recreated to run this spec:
     * its command or environment changed, or, when {@code jarsCount}, its jar was rebuilt (a jar
     * being rebuilt right now, hence missing, is no reason to stop a replica that runs fine).
     */
    boolean differsFrom(String recorded, boolean jarsCount) {
        String[] was = recorded.split("-", 2);
        String[] now = fingerprint.split("-", 2);
        if (was.length < 2 || !was[0].equals(now[0])) return true;
        return jarsCount && !jarMissing() && !was[1].equals(now[1]);
    }
}
