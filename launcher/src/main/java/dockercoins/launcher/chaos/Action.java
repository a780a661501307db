package dockercoins.launcher.chaos;

import java.util.Locale;

/** What a scheduled event does to a replica. */
public enum Action {
    /** SIGKILL, then started again at once: a crash and a restart policy. */
    KILL,
    /** SIGTERM, down for a while, then started again: an outage of known length. */
    STOP,
    /** A fault through the replica's /chaos for a while, then none: errors or latency. */
    FAULT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
