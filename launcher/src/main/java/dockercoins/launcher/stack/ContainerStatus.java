package dockercoins.launcher.stack;

import java.io.PrintWriter;

/** Compose's progress lines on the command's output, {@code  Container dockercoins-worker-2  Started}. */
public final class ContainerStatus {
    final PrintWriter out;
    private final String project;

    ContainerStatus(PrintWriter out, String project) {
        this.out = out;
        this.project = project;
    }

    void print(Replica r, String what) {
        out.printf(" Container %-" + 24 + "s %s%n", r.name(project), what);
    }

    /** A line about a replica that is not a status: {@code  dockercoins-worker-2 did not stop within 10 s: killed}. */
    void note(Replica r, String text) {
        out.println(" " + r.name(project) + " " + text);
    }
}
