package dockercoins.launcher.chaos;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chaos schedule acts on: the replicas it can kill or stop, those with a /chaos it can
 * fault, the counters it reads, and where it marks its events for the page.
 */
public interface Target {
    String describe();

    /** The actions this target allows: a cluster reached by URL cannot be stopped from here. */
    Set<Action> actions();

    /** The replicas it can kill or stop, by short name (worker-1), sorted. */
    List<String> replicas();

    /** The replicas with a /chaos, by short name, and its URL. */
    Map<String, URI> chaosUrls();

    /** Kills the replica at once (SIGKILL), and returns once it is started again, as a restart policy would start it. */
    void kill(String replica) throws Exception;

    /** Stops the replica gracefully (SIGTERM); {@link #start} brings it back. */
    void stop(String replica) throws Exception;

    void start(String replica) throws Exception;

    Counter counter();

    /** A marker on the page's graph (webui's /replicas); best effort, and a no-op where Redis is out of reach. */
    default void event(String text) {
    }
}
