package dockercoins.launcher.stack;

/** What a converge may do to the replicas of a service: the verb that asks decides. */
public enum ConvergeMode {
    /** up / scale: start what is missing or stopped, recreate what changed, remove extra replicas. */
    UP,
    /** Recreate running replicas whose configuration changed (workers after rng/hasher scaled); start nothing new. */
    REFRESH,
    /** start / restart: start stopped replicas as they are. */
    START
}
