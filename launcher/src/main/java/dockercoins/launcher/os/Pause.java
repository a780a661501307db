package dockercoins.launcher.os;

import dockercoins.launcher.console.LaunchException;

/** Waiting between polls; an interrupt (Ctrl-C during a bench) ends the command as a failure it can report. */
public final class Pause {
    private Pause() {
    }

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
