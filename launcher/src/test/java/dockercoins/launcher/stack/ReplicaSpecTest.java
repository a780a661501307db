package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a running replica must be recreated: its fingerprint's two parts, command and environment, then jar. */
class ReplicaSpecTest {

    @TempDir
    Path dir;

    private static ReplicaSpec spec(String fingerprint, Path jar) {
        return new ReplicaSpec(Service.RNG, List.of("java"), Map.of(), 8001, fingerprint, jar);
    }

    @Test
    void a_changed_command_or_environment_recreates_whatever_the_jars() {
        assertTrue(spec("new-jar1", null).differsFrom("old-jar1", true));
        assertTrue(spec("new-jar1", null).differsFrom("old-jar1", false));
    }

    @Test
    void a_rebuilt_jar_recreates_only_when_jars_count() {
        assertTrue(spec("cmd-jar2", null).differsFrom("cmd-jar1", true));
        assertFalse(spec("cmd-jar2", null).differsFrom("cmd-jar1", false), "up --no-build");
    }

    @Test
    void a_jar_being_rebuilt_right_now_is_no_reason_to_stop_a_replica() {
        ReplicaSpec missingJar = spec("cmd-nojar", dir.resolve("rng.jar"));
        assertTrue(missingJar.jarMissing());
        assertFalse(missingJar.differsFrom("cmd-jar1", true));
    }

    @Test
    void the_same_fingerprint_keeps_the_replica() {
        assertFalse(spec("cmd-jar1", null).differsFrom("cmd-jar1", true));
    }

    @Test
    void a_record_without_a_fingerprint_is_recreated() {
        assertTrue(spec("cmd-jar1", null).differsFrom("", true));
    }
}
