package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisBinaryTest {

    @Test
    void a_redis_server_on_the_path_the_launcher_was_given_wins(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path redis = Files.writeString(bin.resolve("redis-server"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(redis, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(redis, RedisBinary.find(dir.resolve(".dockercoins"), dir, bin.toString()));
    }
}
