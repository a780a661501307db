package dockercoins.launcher.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file aside, then renames it over the old one: a reader (another shell's launcher,
 * prometheus watching its targets, perl running the supervisor) sees the old file or the new,
 * never half of one.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** How the new content gets into the file aside. */
    public interface Writing {
        void to(Path aside) throws IOException;
    }

    public static void write(Path file, Writing writing) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        // the pid keeps two launchers writing the same file from sharing the file aside
        Path aside = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            writing.to(aside);
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    public static void write(Path file, String text) throws IOException {
        write(file, aside -> Files.writeString(aside, text));
    }
}
