package dockercoins.launcher.bench;

import dockercoins.launcher.bench.BenchTargets.Goal;
import java.util.Locale;

/**
 * One figure the bench measured, e.g. {@code lab.workers_2.hashes_per_s}: the part of the key
 * before the first dot is its phase. Its original and target come from {@link BenchTargets}.
 */
record Figure(String key, String label, double value, String unit, double spread, int samples, double ideal) {

    static Figure of(String key, String label, double value, String unit) {
        return new Figure(key, label, value, unit, Double.NaN, 0, Double.NaN);
    }

    /** The spread of the value (a standard deviation) and how many samples it comes from. */
    Figure spread(double spread, int samples) {
        return new Figure(key, label, value, unit, spread, samples, ideal);
    }

    Figure samples(int samples) {
        return new Figure(key, label, value, unit, spread, samples, ideal);
    }

    /** The lab's ideal for this step, shown beside it (and its target where the table says so). */
    Figure ideal(double ideal) {
        return new Figure(key, label, value, unit, spread, samples, ideal);
    }

    String phase() {
        return key.substring(0, key.indexOf('.'));
    }

    double original() {
        return BenchTargets.of(key).original();
    }

    private Goal goal() {
        return BenchTargets.of(key).goal();
    }

    private double bound() {
        return BenchTargets.of(key).bound();
    }

    double target() {
        return switch (goal()) {
            case NONE -> ideal;
            case WITHIN_5_PERCENT_OF_IDEAL -> ideal;
            case AT_LEAST, AT_MOST -> bound();
        };
    }

    /** "met", "missed", or "" when there is no target. */
    String status() {
        double target = target();
        if (Double.isNaN(value) || Double.isNaN(target)) return "";
        return switch (goal()) {
            case NONE -> "";
            case WITHIN_5_PERCENT_OF_IDEAL -> Math.abs(value - target) <= 0.05 * target ? "met" : "missed";
            case AT_LEAST -> value >= target ? "met" : "missed";
            case AT_MOST -> value <= target ? "met" : "missed";
        };
    }

    String targetText() {
        double target = target();
        if (Double.isNaN(target)) return "";
        return switch (goal()) {
            case NONE -> "(ideal " + num(target) + ")";
            case WITHIN_5_PERCENT_OF_IDEAL -> num(target) + " ±5%";
            case AT_LEAST -> ">= " + num(target);
            case AT_MOST -> "<= " + num(target);
        };
    }

    /** A figure's value as the table, CSV and progress lines print it: three significant digits or more. */
    static String num(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
