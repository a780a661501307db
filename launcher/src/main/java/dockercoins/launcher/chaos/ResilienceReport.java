package dockercoins.launcher.chaos;

import dockercoins.launcher.chaos.Recorder.Reading;
import dockercoins.launcher.console.Table;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a chaos run did to the work, from the counter's readings: the pace before any event
 * (the baseline), then for each event whether the counter stopped and when it moved again, when
 * it was back at pace, and the hashes it fell short by; and over the whole run, that neither
 * counter ever went back. The run passes when work came back after every event and nothing went back.
 */
public final class ResilienceReport {
    /** Shorter stalls are the counter's own rhythm: each worker adds its loops once a second. */
    static final double STALL_SECONDS = 2.5;
    /** Back at pace: the hashes of the last 5 s at two thirds of the baseline's or more. */
    static final double PACE_WINDOW = 5;
    static final double PACE_SHARE = 2.0 / 3;

    /** An event as it was done: when (seconds since the run began), and what. */
    record Done(double at, String what, String back) {
    }

    /** How the work went through one event, until the next. */
    record Row(Done event, double stalled, Double resumedAfter, Double atPaceAfter, boolean slowed, long lost) {
        boolean recovered() {
            return !slowed || atPaceAfter != null;
        }
    }

    /** A reading lower than the one before it. */
    record WentBack(String counter, double at, long from, long to) {
    }

    final double baseline;
    final double firstEvent;
    final double end;
    final List<Row> rows = new ArrayList<>();
    final List<WentBack> wentBack = new ArrayList<>();
    private final List<Reading> readings;
    private final int gaps;

    ResilienceReport(List<Reading> readings, int gaps, List<Done> events, double end) {
        this.readings = readings;
        this.gaps = gaps;
        this.end = end;
        this.firstEvent = events.isEmpty() ? end : events.get(0).at();
        this.baseline = rate(0, firstEvent);
        for (int i = 1; i < readings.size(); i++) {
            Reading a = readings.get(i - 1), b = readings.get(i);
            if (b.hashes() < a.hashes()) wentBack.add(new WentBack("hashes", b.seconds(), a.hashes(), b.hashes()));
            if (b.coins() < a.coins()) wentBack.add(new WentBack("coins", b.seconds(), a.coins(), b.coins()));
        }
        for (int i = 0; i < events.size(); i++) {
            rows.add(row(events.get(i), i + 1 < events.size() ? events.get(i + 1).at() : end));
        }
    }

    public boolean passed() {
        return baseline > 0 && wentBack.isEmpty() && rows.stream().allMatch(Row::recovered);
    }

    private Row row(Done event, double until) {
        // the longest time the counter stood still, and when it moved again
        double stalled = 0;
        Double resumed = null;
        Reading lastMove = at(event.at());
        for (Reading r : readings) {
            if (r.seconds() <= event.at() || r.seconds() > until) continue;
            if (r.hashes() != lastMove.hashes()) {
                double still = r.seconds() - Math.max(lastMove.seconds(), event.at());
                if (still > stalled) {
                    stalled = still;
                    resumed = r.seconds() - event.at();
                }
                lastMove = r;
            }
        }
        double stillAtEnd = until - Math.max(lastMove.seconds(), event.at());
        if (stillAtEnd > stalled) {
            stalled = stillAtEnd;
            resumed = null; // it never moved again
        }
        // back at pace: after the last slow stretch of the event's window
        double pace = baseline * PACE_SHARE;
        boolean slowed = false;
        Double atPace = null;
        for (Reading r : readings) {
            if (r.seconds() <= event.at() || r.seconds() > until || r.seconds() < PACE_WINDOW) continue;
            if (rate(r.seconds() - PACE_WINDOW, r.seconds()) < pace) {
                slowed = true;
                atPace = null;
            } else if (slowed && atPace == null) {
                atPace = r.seconds() - event.at();
            }
        }
        long made = hashesAt(until) - hashesAt(event.at());
        long lost = Math.max(0, Math.round(baseline * (until - event.at())) - made);
        return new Row(event, stalled > STALL_SECONDS ? stalled : 0, stalled > STALL_SECONDS ? resumed : Double.valueOf(0), atPace, slowed, lost);
    }

    /** Hashes per second between two times, from the readings nearest before each. */
    double rate(double from, double to) {
        Reading a = at(from), b = at(to);
        return b.seconds() > a.seconds() ? (b.hashes() - a.hashes()) / (b.seconds() - a.seconds()) : 0;
    }

    private long hashesAt(double t) {
        return at(t).hashes();
    }

    /** The last reading at or before t (the first one if none is). */
    private Reading at(double t) {
        Reading found = readings.get(0);
        for (Reading r : readings) {
            if (r.seconds() > t) break;
            found = r;
        }
        return found;
    }

    public void print(PrintWriter out) {
        out.println();
        out.println("RESILIENCE REPORT");
        Table table = new Table("AT", "EVENT", "UNDONE", "COUNTER STOPPED", "RESUMED AFTER", "AT PACE AFTER", "HASHES SHORT");
        for (Row r : rows) {
            table.row(clock(r.event().at()), r.event().what(), r.event().back(),
                    r.stalled() > 0 ? seconds(r.stalled()) : "no",
                    r.stalled() == 0 ? "-" : r.resumedAfter() == null ? "NOT RESUMED" : seconds(r.resumedAfter()),
                    !r.slowed() ? "never slowed" : r.atPaceAfter() == null ? "NOT AT PACE" : seconds(r.atPaceAfter()),
                    Long.toString(r.lost()));
        }
        table.print(out);
        out.println();
        Reading first = readings.get(0), last = readings.get(readings.size() - 1);
        double underChaos = rate(firstEvent, end);
        out.printf(Locale.ROOT, "baseline:     %.2f hashes/s (%s-%s, before any event)%n", baseline, clock(0), clock(firstEvent));
        out.printf(Locale.ROOT, "under chaos:  %.2f hashes/s (%s-%s): %.0f%% of the baseline%n", underChaos, clock(firstEvent), clock(end),
                baseline > 0 ? 100 * underChaos / baseline : 0);
        long recovered = rows.stream().filter(Row::recovered).count();
        out.printf(Locale.ROOT, "recovered:    %d of %d events (back at pace before the next)%n", recovered, rows.size());
        out.printf(Locale.ROOT, "counters:     hashes %d -> %d, coins %d -> %d, %d readings (%d missed): %s%n",
                first.hashes(), last.hashes(), first.coins(), last.coins(), readings.size(), gaps,
                wentBack.isEmpty() ? "never went back" : "WENT BACK " + wentBack.size() + " times");
        for (WentBack w : wentBack) out.printf(Locale.ROOT, "              %s went back at %s: %d -> %d%n", w.counter(), clock(w.at()), w.from(), w.to());
        if (baseline <= 0) out.println("the counter did not move before the first event: is every worker at work?");
        out.println(passed() ? "resilience:   PASS" : "resilience:   FAIL");
        out.flush();
    }

    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }
}
