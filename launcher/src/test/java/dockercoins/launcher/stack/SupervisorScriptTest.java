package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** supervise.pl for real: perl runs a short-lived child, and the files it leaves are what the launcher reads. */
class SupervisorScriptTest {
    @TempDir
    Path dir;

    private Path log;
    private Path pidFile;
    private Path exitFile;

    private Process supervise(String... command) throws Exception {
        Path script = Supervisor.script(dir.resolve(".dockercoins"));
        log = dir.resolve("child.log");
        pidFile = dir.resolve("child.pid");
        exitFile = dir.resolve("child.exit");
        List<String> all = new java.util.ArrayList<>(List.of("perl", script.toString(), log.toString(), pidFile.toString(),
                exitFile.toString()));
        all.addAll(List.of(command));
        return new ProcessBuilder(all).redirectErrorStream(true).start();
    }

    private long pid() throws Exception {
        ScriptedStack.await(Duration.ofSeconds(10), "the supervisor writes the pid", () -> Files.exists(pidFile));
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    @Test
    void the_childs_lines_are_logged_with_their_time_and_its_exit_code_recorded() throws Exception {
        Process supervisor = supervise("sh", "-c", "echo hello; echo oops >&2; exit 3");
        assertTrue(supervisor.waitFor(10, TimeUnit.SECONDS), "the supervisor ends with its child");
        assertTrue(pid() > 0);
        assertEquals("3", Files.readString(exitFile).strip());
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(List.of("hello", "oops"), lines.stream().map(l -> LogLine.parse(l).text()).toList(), lines.toString());
        for (String line : lines) assertNotNull(LogLine.parse(line).time(), "a UTC time before " + line);
    }

    @Test
    void a_child_killed_by_sigterm_is_recorded_as_143_and_ignores_sigint_in_its_own_session() throws Exception {
        Process supervisor = supervise("sleep", "30");
        long pid = pid();
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        try {
            assertEquals(supervisor.pid(), child.parent().map(ProcessHandle::pid).orElse(-1L), "the supervisor forks the child");
            Process sid = new ProcessBuilder("ps", "-o", "sid=", "-p", Long.toString(pid)).start();
            assertEquals(Long.toString(supervisor.pid()), new String(sid.getInputStream().readAllBytes()).strip(),
                    "a new session, led by the supervisor: a closed terminal does not reach the child");
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor());
            Thread.sleep(300);
            assertTrue(child.isAlive(), "Ctrl-C (SIGINT) is ignored");
            assertFalse(Files.exists(exitFile), "no exit code while the child runs");

            child.destroy(); // SIGTERM, as the launcher stops a replica
            assertTrue(supervisor.waitFor(10, TimeUnit.SECONDS), "the supervisor ends with its child");
            assertEquals("143", Files.readString(exitFile).strip(), "128 + SIGTERM");
            assertFalse(child.isAlive());
        } finally {
            child.destroyForcibly();
            supervisor.destroyForcibly();
        }
    }
}
