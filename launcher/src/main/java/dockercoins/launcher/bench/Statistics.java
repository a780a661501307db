package dockercoins.launcher.bench;

import java.util.ArrayList;
import java.util.List;

/** The few statistics the bench reports: quantiles, mean, spread, a least-squares slope. */
final class Statistics {
    private Statistics() {
    }

    static List<Double> sorted(List<Double> values) {
        List<Double> l = new ArrayList<>(values);
        l.sort(null);
        return l;
    }

    static double median(List<Double> values) {
        return quantile(sorted(values), 0.5);
    }

    /** The q-quantile (0..1) of sorted values, nearest rank; NaN when empty. */
    static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return Double.NaN;
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank - 1)));
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The sample standard deviation; NaN with fewer than two values. */
    static double stdev(List<Double> values) {
        if (values.size() < 2) return Double.NaN;
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sum = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(sum / (values.size() - 1));
    }

    /** The least-squares slope of y against x; NaN with fewer than two points or no spread in x. */
    static double slope(List<Double> x, List<Double> y) {
        int n = Math.min(x.size(), y.size());
        if (n < 2) return Double.NaN;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x.get(i) / n;
            my += y.get(i) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
