package dockercoins.launcher.console;

/** A failure the user can act on: main prints its message as one line and exits non-zero. */
public final class LaunchException extends RuntimeException {
    public LaunchException(String message) {
        super(message, null, false, false);
    }
}
