package dockercoins.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./dockercoins chaos --every}: a seeded schedule on a real stack (CHAOS=on, 2 workers),
 * and its resilience report, passing when work comes back after each event and failing when it
 * does not. The schedule runs without CHAOS=on in its environment: the replicas it starts again
 * must keep the knobs they were created with. Its own project name and port base.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosScheduleEndToEndTest {
    private final ScriptedStack stack = new ScriptedStack("e2esched", 28000, 0, 1, 2);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    void down_whatever_happened() throws Exception {
        stack.run("down");
    }

    @BeforeEach
    void two_workers_at_work_with_chaos_on() throws Exception {
        stack.env.put("CHAOS", "on");
        Result up = stack.run("up", "-d", "--scale", "worker=2");
        assertEquals(0, up.exit(), up.out() + up.err());
        ScriptedStack.await(Duration.ofSeconds(60), "rng, hasher and webui serve /chaos", () -> run("chaos").exit() == 0);
        stack.env.remove("CHAOS");
    }

    @Test
    void killing_and_stopping_workers_costs_some_hashes_and_the_report_shows_the_work_back_every_time() throws Exception {
        Result run = stack.run("chaos", "worker", "--action", "kill,stop", "--every", "15s", "--for", "45s", "--down", "3s", "--seed", "4");
        assertEquals(0, run.exit(), run.out() + run.err());
        List<String> done = run.out().lines().filter(line -> line.matches("0:(15|30)  (kill|stop) worker-[12]: started again after .*")).toList();
        assertEquals(2, done.size(), run.out());
        assertTrue(run.out().contains("never went back") && run.out().contains("recovered:    2 of 2 events"), run.out());
        assertTrue(run.out().contains("resilience:   PASS"), run.out());

        Result ps = stack.run("ps");
        assertEquals(2, ps.out().lines().filter(line -> line.contains("-worker-") && line.contains("Up")).count(), ps.out());
        String replicas = get("/replicas");
        for (String event : done) {
            String what = event.substring(6, event.indexOf(':', 6)); // "kill worker-1"
            assertTrue(replicas.contains("chaos: " + what), what + " marked on the page: " + replicas);
        }
    }

    @Test
    void killing_rng_stops_the_work_past_the_next_event_and_fails_the_run_and_rng_comes_back_with_its_faults_endpoint() throws Exception {
        // seed 2: rng-1 killed at 0:10, then a fault at 0:20 on the rng started again (on another /chaos port)
        Result run = stack.run("chaos", "rng", "--action", "kill,fault", "--every", "10s", "--for", "30s", "--seed", "2");
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("0:10  kill rng-1: started again after"), run.out());
        assertTrue(run.out().lines().anyMatch(line -> line.matches("0:20  fault rng-1 \\{\"latency\": \"0.5-1.5\"}: ended after 3\\.\\d s")),
                run.out());
        // DEMO: a worker whose call fails waits 10 s: a schedule every 10 s cannot see it back
        assertTrue(run.out().contains("NOT RESUMED") || run.out().contains("NOT AT PACE"), run.out());
        assertTrue(run.out().contains("resilience:   FAIL"), run.out());
        Result chaos = stack.run("chaos", "rng");
        assertEquals(0, chaos.exit(), "rng started again with CHAOS=on, from the last up: " + chaos.out() + chaos.err());
    }

    @Test
    void a_schedule_too_short_or_an_unknown_action_is_a_usage_error() throws Exception {
        Result shortRun = stack.run("chaos", "--every", "30s", "--for", "1m");
        assertEquals(2, shortRun.exit(), shortRun.out());
        assertTrue(shortRun.err().contains("--for must be at least three times --every"), shortRun.err());
        Result unknown = stack.run("chaos", "--every", "30s", "--action", "kill,explode");
        assertEquals(2, unknown.exit(), unknown.out());
        assertTrue(unknown.err().contains("--action must be kill, stop or fault, got \"explode\""), unknown.err());
    }

    private String get(String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.base + path)).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, BodyHandlers.ofString()).body();
    }

    private Result run(String... args) {
        try {
            return stack.run(args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
