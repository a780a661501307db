package dockercoins.launcher;

/** Waiting between polls; an interrupt (Ctrl-C during a bench) ends the command as a failure it can report. */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
