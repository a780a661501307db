package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's names, its record on disk, and when its pid is trusted. */
class ReplicaTest {

    @TempDir
    Path dir;

    @Test
    void replica_names_follow_compose_v2() {
        Replica r = new Replica(Service.WORKER, 2, 1, 1, 0, "", 0);
        assertEquals("dockercoins-worker-2", r.name("dockercoins"));
        assertEquals("worker-2", r.shortName());
    }

    @Test
    void a_saved_replica_loads_as_it_was() {
        Replica r = new Replica(Service.RNG, 3, 1234, 5678, 8001, "abc-def", 91011);
        r.save(dir.resolve("rng-3.properties"));
        assertEquals(r, Replica.load(dir.resolve("rng-3.properties")));
    }

    @Test
    void a_half_written_record_is_not_trusted() throws Exception {
        Files.writeString(dir.resolve("worker-1.properties"), "service=worker\nindex=1\npid=");
        assertNull(Replica.load(dir.resolve("worker-1.properties")));
    }

    @Test
    void our_own_pid_with_another_start_time_is_not_our_replica() {
        long pid = ProcessHandle.current().pid();
        Replica recycled = new Replica(Service.WORKER, 3, pid, Instant.now().minusSeconds(3600).toEpochMilli(), 0, "x", 0);
        assertFalse(recycled.isRunning());
    }
}
