package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.console.LaunchException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack's folder: replica records read back, and the lock that keeps two commands from racing. */
class StateDirTest {
    @TempDir
    Path home;

    private final StringWriter said = new StringWriter();
    private final PrintWriter out = new PrintWriter(said, true);

    @Test
    void a_second_holder_waits_then_fails_naming_the_lock_and_gets_it_once_released() throws Exception {
        StateDir first = new StateDir(home, "p");
        StateDir second = new StateDir(home, "p");
        try (AutoCloseable held = first.lock(out)) {
            LaunchException e = assertThrows(LaunchException.class, () -> second.lock(out, Duration.ofMillis(300)));
            assertEquals("another ./dockercoins command holds " + home.resolve("p").resolve("lock"), e.getMessage());
            assertEquals("Waiting for another ./dockercoins command to finish...\n", said.toString());
        }
        try (AutoCloseable free = second.lock(out, Duration.ofMillis(300))) {
            assertTrue(Files.exists(home.resolve("p").resolve("lock")));
        }
    }

    @Test
    void a_lock_held_by_another_process_is_respected() throws Exception {
        // Another JVM holds the lock, as another shell's ./dockercoins would.
        Path holder = home.resolve("Hold.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                class Hold {
                    public static void main(String[] a) throws Exception {
                        Files.createDirectories(Path.of(a[0]).getParent());
                        try (var c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                             var l = c.lock()) {
                            System.out.println("held");
                            System.in.read();
                        }
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process other = new ProcessBuilder(java, holder.toString(), home.resolve("p").resolve("lock").toString()).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(other.getInputStream()));
            assertEquals("held", lines.readLine());
            LaunchException e = assertThrows(LaunchException.class, () -> new StateDir(home, "p").lock(out, Duration.ofMillis(300)));
            assertTrue(e.getMessage().startsWith("another ./dockercoins command holds "), e.getMessage());
            other.getOutputStream().close(); // lets it release
            assertTrue(other.waitFor(20, TimeUnit.SECONDS));
            try (AutoCloseable mine = new StateDir(home, "p").lock(out, Duration.ofSeconds(5))) {
                assertTrue(said.toString().startsWith("Waiting for another"));
            }
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void replicas_are_read_back_in_service_and_index_order_and_forgotten() {
        StateDir state = new StateDir(home, "p");
        Replica worker2 = new Replica(Service.WORKER, 2, 7, Instant.now().toEpochMilli(), 0, "a-b", 1);
        Replica rng1 = new Replica(Service.RNG, 1, 8, Instant.now().toEpochMilli(), 8001, "c-d", 2);
        state.save(worker2);
        state.save(rng1);
        assertEquals(List.of(rng1, worker2), state.replicas());
        state.forget(worker2);
        assertEquals(List.of(rng1), state.replicas());
        state.delete();
        assertEquals(List.of(), state.replicas());
    }
}
