package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: parsing, help, and one clear line for every bad input. */
class CommandLineTest {

    @TempDir
    Path project;

    record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Launcher.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--project-directory";
        all[1] = project.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Map.of(), args);
    }

    private static void assertOneLine(Run run, String expected) {
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("dockercoins: "), run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    @Test
    void every_verb_has_help() {
        for (String verb : List.of("up", "ps", "logs", "stop", "start", "restart", "scale", "down", "top", "stats")) {
            Run run = run(verb, "--help");
            assertEquals(0, run.exit(), verb);
            assertTrue(run.out().startsWith("Usage: dockercoins " + verb), run.out());
        }
        assertTrue(run("--help").out().contains("Commands:"));
    }

    @Test
    void an_unknown_verb_gets_one_line_naming_it() {
        Run run = run("upp", "-d");
        assertEquals(2, run.exit());
        assertOneLine(run, "unknown command \"upp\" (commands: up, ps, logs, stop, start, restart, scale, down");
    }

    @Test
    void an_unknown_service_gets_one_line_naming_it() {
        Run run = run("up", "-d", "miner");
        assertEquals(2, run.exit());
        assertOneLine(run, "no such service: \"miner\" (services: redis, rng, hasher, webui, worker, prometheus)");
        assertOneLine(run("logs", "miner"), "no such service: \"miner\"");
    }

    @Test
    void a_negative_or_non_numeric_scale_gets_one_line() {
        Run negative = run("up", "-d", "--scale", "worker=-1");
        assertEquals(2, negative.exit());
        assertOneLine(negative, "\"worker=-1\" must be a whole number from 0 to 100");
        Run letters = run("up", "-d", "--scale", "worker=abc");
        assertEquals(2, letters.exit());
        assertOneLine(letters, "\"worker=abc\" must be a whole number");
        Run noEquals = run("scale", "worker");
        assertEquals(2, noEquals.exit());
        assertOneLine(noEquals, "expected SERVICE=N");
        assertOneLine(run("scale", "miner=2"), "no such service: \"miner\"");
        assertFalse(Files.exists(project.resolve(".dockercoins")), "bad input must not touch any state");
    }

    @Test
    void scale_specs_parse_service_and_count() {
        assertEquals(new ScaleSpec(Service.WORKER, 10), ScaleSpec.parse("worker=10"));
        assertEquals(new ScaleSpec(Service.RNG, 0), ScaleSpec.parse("rng=0"));
        assertThrows(IllegalArgumentException.class, () -> ScaleSpec.parse("worker=+3"));
        assertThrows(IllegalArgumentException.class, () -> ScaleSpec.parse("worker=101"));
        assertThrows(IllegalArgumentException.class, () -> ScaleSpec.parse("worker="));
        assertThrows(IllegalArgumentException.class, () -> ScaleSpec.parse("redis=2"));
    }

    @Test
    void a_bad_tail_or_port_base_gets_one_line() {
        assertOneLine(run("logs", "--tail", "ten"), "--tail must be a number of lines or 'all'");
        Run port = run(Map.of("DOCKERCOINS_PORT_BASE", "eighty"), "up", "-d");
        assertEquals(1, port.exit());
        assertOneLine(port, "DOCKERCOINS_PORT_BASE must be a port number");
    }

    @Test
    void a_publish_address_that_is_not_an_ip_address_gets_one_line_naming_where_it_came_from() {
        Run option = run("--publish-address", "my-laptop", "ps");
        assertEquals(1, option.exit());
        assertOneLine(option, "--publish-address must be an IP address to listen on");
        Run variable = run(Map.of("DOCKERCOINS_PUBLISH_ADDRESS", "300.1.2.3"), "ps");
        assertEquals(1, variable.exit());
        assertOneLine(variable, "DOCKERCOINS_PUBLISH_ADDRESS must be an IP address");
        assertEquals(0, run("--publish-address", "127.0.0.1", "ps").exit());
        assertEquals(0, run(Map.of("DOCKERCOINS_PUBLISH_ADDRESS", "::"), "ps").exit());
    }

    @Test
    void a_soak_without_a_unit_is_a_usage_error() {
        Run run = run("bench", "--soak", "10");
        assertEquals(2, run.exit());
        assertOneLine(run, "--soak must be a duration from 10s to 24h, such as 20s, 10m or 1h30m, got \"10\"");
    }

    @Test
    void a_published_port_in_use_is_named_and_nothing_starts() throws IOException {
        Files.createDirectories(project.resolve("worker"));
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // rng's port is checked first, so the other ports' state on a busy machine does not matter
            int rngPort = taken.getLocalPort();
            Run run = run(Map.of("DOCKERCOINS_PORT_BASE", Integer.toString(rngPort - 1)), "up", "-d");
            assertEquals(1, run.exit());
            assertOneLine(run, "port " + rngPort + " (rng) is already in use");
        }
        Run ps = run("ps");
        assertEquals(List.of("NAME   SERVICE   STATUS   PID   PORTS"), ps.out().lines().toList());
    }

    @Test
    void with_prometheus_but_none_on_path_is_one_line_and_nothing_starts() throws IOException {
        Files.createDirectories(project.resolve("worker"));
        Run run = run(Map.of("PATH", project.toString()), "up", "-d", "--with", "prometheus");
        assertEquals(1, run.exit());
        assertOneLine(run, "dockercoins: prometheus is not on PATH: install it (apt-get install prometheus) or leave out --with prometheus");
        assertEquals(List.of("NAME   SERVICE   STATUS   PID   PORTS"), run("ps").out().lines().toList());
    }

    @Test
    void build_and_no_build_together_are_a_usage_error_before_any_state_is_touched() throws IOException {
        Files.createDirectories(project.resolve("worker"));
        Run run = run("up", "-d", "--build", "--no-build");
        assertEquals(2, run.exit());
        assertOneLine(run, "dockercoins: --build and --no-build exclude each other (see ./dockercoins up --help)");
        assertFalse(Files.exists(project.resolve(".dockercoins")), "no lock taken, no state written");
    }

    @Test
    void an_unknown_extra_is_a_usage_error() throws IOException {
        Files.createDirectories(project.resolve("worker"));
        Run run = run("up", "-d", "--with", "grafana");
        assertEquals(2, run.exit());
        assertOneLine(run, "unknown extra \"grafana\" for --with (extras: prometheus)");
    }

    @Test
    void ps_on_a_project_without_a_stack_prints_only_the_header() {
        Run run = run("ps");
        assertEquals(0, run.exit());
        assertEquals("NAME   SERVICE   STATUS   PID   PORTS\n", run.out());
    }

    @Test
    void stale_state_is_detected_not_trusted() {
        // Our own pid, but recorded with another start time: what a reboot or a recycled pid looks like.
        long pid = ProcessHandle.current().pid();
        Path state = project.resolve(".dockercoins/dockercoins/state");
        assertTrue(state.toFile().mkdirs());
        new Replica(Service.WORKER, 3, pid, Instant.now().minusSeconds(3600).toEpochMilli(), 0, "x", 0)
                .save(state.resolve("worker-3.properties"));
        Run run = run("ps");
        assertTrue(run.out().contains("dockercoins-worker-3   worker    exited (unknown)   -"), run.out());
        Run down = run("down");
        assertEquals(0, down.exit());
        assertTrue(ProcessHandle.current().isAlive());
        assertFalse(Files.exists(state));
    }

    @Test
    void top_and_stats_on_a_project_without_a_stack_print_no_replica() {
        Run top = run("top");
        assertEquals(0, top.exit(), top.err());
        assertEquals("", top.out());
        Run stats = run("stats", "--no-stream");
        assertEquals(0, stats.exit(), stats.err());
        assertEquals("NAME   PID   CPU %   MEM USAGE   MEM %\n", stats.out());
        assertOneLine(run("top", "miner"), "no such service: \"miner\"");
    }

    @Test
    void start_without_a_stack_says_to_run_up() {
        Run run = run("start");
        assertEquals(1, run.exit());
        assertOneLine(run, "nothing to start");
    }
}
