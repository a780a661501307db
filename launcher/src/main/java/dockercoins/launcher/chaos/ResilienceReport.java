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
        double from = event.at();
        Stall stall = stall(from, until);
        boolean stalled = stall.seconds() > STALL_SECONDS;
        // back at pace: the first reading after the last slow stretch of the event's window
        double pace = baseline * PACE_SHARE;
        boolean slowed = false;
        Double atPace = null;
        for (Reading r : readingsBetween(from, until)) {
            if (r.seconds() < PACE_WINDOW) continue;
            if (rate(r.seconds() - PACE_WINDOW, r.seconds()) < pace) {
                slowed = true;
                atPace = null;
            } else if (slowed && atPace == null) {
                atPace = r.seconds() - from;
            }
        }
        long made = at(until).hashes() - at(from).hashes();
        long lost = Math.max(0, Math.round(baseline * (until - from)) - made);
        return new Row(event, stalled ? stall.seconds() : 0, stalled ? stall.resumedAfter() : Double.valueOf(0), atPace, slowed, lost);
    }

    /** The longest time the counter stood still between two times, and when (after from) it moved again: null if it never did. */
    private record Stall(double seconds, Double resumedAfter) {
    }

    private Stall stall(double from, double until) {
        Stall longest = new Stall(0, 0.0);
        Reading lastMove = at(from);
        for (Reading r : readingsBetween(from, until)) {
            if (r.hashes() == lastMove.hashes()) continue;
            double still = r.seconds() - Math.max(lastMove.seconds(), from);
            if (still > longest.seconds()) longest = new Stall(still, r.seconds() - from);
            lastMove = r;
        }
        double stillAtEnd = until - Math.max(lastMove.seconds(), from);
        return stillAtEnd > longest.seconds() ? new Stall(stillAtEnd, null) : longest;
    }

    /** The readings after from, up to until. */
    private List<Reading> readingsBetween(double from, double until) {
        return readings.subList(index(from) + 1, index(until) + 1);
    }

    /** Hashes per second between two times, from the readings nearest before each. */
    double rate(double from, double to) {
        Reading a = at(from), b = at(to);
        return b.seconds() > a.seconds() ? (b.hashes() - a.hashes()) / (b.seconds() - a.seconds()) : 0;
    }

    /** The last reading at or before t (the first one if none is). */
    private Reading at(double t) {
        return readings.get(Math.max(0, index(t)));
    }

    /** The index of the last reading at or before t, -1 if none is: a binary search, the readings being in time order. */
    private int index(double t) {
        int low = 0, high = readings.size() - 1, found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (readings.get(mid).seconds() <= t) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
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
