package dockercoins.launcher.bench;

import java.io.PrintWriter;

/** The bench's progress: one line that updates in place on a terminal; elsewhere only the finished lines. */
public final class Progress {
    private final PrintWriter out;
    private final boolean tty;

    public Progress(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    synchronized void live(String text) {
        if (!tty) return;
        out.print("\r\u001b[K" + text);
        out.flush();
    }

    public synchronized void done(String text) {
        if (tty) out.print("\r\u001b[K");
        out.println(text);
        out.flush();
    }
}
