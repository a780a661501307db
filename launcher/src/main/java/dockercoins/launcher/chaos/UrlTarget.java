package dockercoins.launcher.chaos;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replicas reached only by their /chaos URLs, such as a cluster's through {@code kubectl
 * port-forward}: faulted, or killed by the {@code exit} fault (the orchestrator restarts them);
 * the counters read from webui's /json. Nothing can be stopped from here.
 */
public final class UrlTarget implements Target {
    private final Map<String, URI> chaosUrls;
    private final URI json;

    public UrlTarget(Map<String, URI> chaosUrls, URI json) {
        this.chaosUrls = chaosUrls;
        this.json = json;
    }

    @Override
    public String describe() {
        return chaosUrls.size() + " /chaos URLs";
    }

    @Override
    public Set<Action> actions() {
        return EnumSet.of(Action.KILL, Action.FAULT);
    }

    @Override
    public List<String> replicas() {
        return List.copyOf(chaosUrls.keySet());
    }

    @Override
    public Map<String, URI> chaosUrls() {
        return chaosUrls;
    }

    /**
     * The exit fault: the replica answers, then exits with 137 as after a SIGKILL, and its
     * orchestrator's restart policy brings it back. Returns once its /chaos has stopped answering
     * (10 s at most) and answers again (60 s at most).
     */
    @Override
    public void kill(String replica) throws Exception {
        URI url = chaosUrls.get(replica);
        var answer = ChaosClient.send(url, "{\"exit\": 137}");
        if (!answer.ok()) throw new IllegalStateException(replica + " refused the exit fault: " + answer.status() + " " + answer.body());
        if (!await(url, false, Duration.ofSeconds(10))) throw new IllegalStateException(replica + " still answers 10 s after the exit fault");
        if (!await(url, true, Duration.ofSeconds(60))) throw new IllegalStateException(replica + " exited, and did not answer again within 60 s");
    }

    /** Whether GET url comes to answer 200 (or, with answering false, to fail) within the time. */
    private static boolean await(URI url, boolean answering, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok;
            try {
                ok = ChaosClient.send(url, null).ok();
            } catch (IOException e) {
                ok = false;
            }
            if (ok == answering) return true;
            Thread.sleep(100);
        }
        return false;
    }

    @Override
    public void stop(String replica) {
        throw new UnsupportedOperationException("a replica reached by URL cannot be stopped from here");
    }

    @Override
    public void start(String replica) {
        throw new UnsupportedOperationException("a replica reached by URL cannot be started from here");
    }

    @Override
    public Counter counter() {
        return Counter.json(json);
    }
}
