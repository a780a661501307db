package dockercoins.launcher;

/** A failure the user can act on: main prints its message as one line and exits non-zero. */
final class LaunchException extends RuntimeException {
    LaunchException(String message) {
        super(message, null, false, false);
    }
}
