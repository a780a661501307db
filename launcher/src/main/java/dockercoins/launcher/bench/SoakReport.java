package dockercoins.launcher.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The soak's readings over time, and what they give: hashes/s over a part of the run, each
 * replica's RSS slope (least squares, MB per minute); written as {@code soak.csv} (one row per
 * reading, one RSS column per replica) and {@code soak.png} (hashes/s and RSS against minutes).
 */
public final class SoakReport {
    public static final String CSV = "soak.csv";
    public static final String PNG = "soak.png";

    /** One reading: seconds since the soak began, the counter, each replica's RSS in MB by its short name. */
    record Sample(double seconds, long hashes, Map<String, Double> rssMb) {
    }

    final List<String> replicas;
    final List<Sample> samples = new ArrayList<>();

    SoakReport(List<String> replicas) {
        this.replicas = replicas;
    }

    /** Hashes/s between the readings at these fractions of the run (0 to 1: all of it); NaN with fewer than two. */
    double rate(double from, double to) {
        List<Sample> part = part(from, to);
        if (part.size() < 2) return Double.NaN;
        Sample a = part.get(0);
        Sample b = part.get(part.size() - 1);
        return (b.hashes() - a.hashes()) / (b.seconds() - a.seconds());
    }

    /** Hashes/s between each reading and the next. */
    List<Double> intervalRates() {
        List<Double> rates = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            rates.add((b.hashes() - a.hashes()) / (b.seconds() - a.seconds()));
        }
        return rates;
    }

    /** The least-squares slope of a replica's RSS, MB per minute, over the readings from this fraction of the run on. */
    double slope(String replica, double from) {
        List<Double> minutes = new ArrayList<>();
        List<Double> mb = new ArrayList<>();
        for (Sample s : part(from, 1)) {
            Double rss = s.rssMb().get(replica);
            if (rss == null || rss <= 0) continue; // gone
            minutes.add(s.seconds() / 60);
            mb.add(rss);
        }
        return Statistics.slope(minutes, mb);
    }

    double rss(String replica, int sample) {
        if (samples.isEmpty()) return Double.NaN;
        return samples.get(Math.max(0, Math.min(sample, samples.size() - 1))).rssMb().getOrDefault(replica, Double.NaN);
    }

    private List<Sample> part(double from, double to) {
        if (samples.isEmpty()) return List.of();
        double total = samples.get(samples.size() - 1).seconds();
        return samples.stream().filter(s -> s.seconds() >= from * total - 1e-9 && s.seconds() <= to * total + 1e-9).toList();
    }

    public void writeCsv(Path file) {
        StringBuilder csv = new StringBuilder("seconds,hashes,hashes_per_s");
        for (String r : replicas) csv.append(",rss_mb_").append(r);
        csv.append('\n');
        List<Double> rates = intervalRates();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            csv.append(String.format(Locale.ROOT, "%.1f,%d,%s", s.seconds(), s.hashes(), i == 0 ? "" : raw(rates.get(i - 1))));
            for (String r : replicas) csv.append(',').append(raw(s.rssMb().getOrDefault(r, Double.NaN)));
            csv.append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hashes/s (left axis) and the RSS of rng-1, hasher-1, webui-1, redis-1 and the workers' mean (right axis), against minutes. */
    public void writeChart(Path file, String title) {
        XYChart chart = Chart.create(title, "minutes", "hashes/s");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "RSS (MB)");
        List<Double> x = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) x.add(samples.get(i).seconds() / 60);
        if (!x.isEmpty()) series(chart, "hashes/s", x, intervalRates(), 0, new Color(0x1f77b4));
        Color[] colours = {new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};
        List<String> lines = List.of("rng-1", "hasher-1", "webui-1", "redis-1", "workers (mean)");
        for (int k = 0; k < lines.size(); k++) {
            List<Double> mx = new ArrayList<>();
            List<Double> my = new ArrayList<>();
            for (Sample s : samples) {
                double v = k < 4 ? s.rssMb().getOrDefault(lines.get(k), Double.NaN) : s.rssMb().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("worker-")).mapToDouble(Map.Entry::getValue).average().orElse(Double.NaN);
                if (Double.isNaN(v)) continue;
                mx.add(s.seconds() / 60);
                my.add(v);
            }
            if (!mx.isEmpty()) series(chart, lines.get(k) + " RSS", mx, my, 1, colours[k]);
        }
        Chart.save(chart, file);
    }

    private static void series(XYChart chart, String name, List<Double> x, List<Double> y, int axis, Color colour) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setYAxisGroup(axis);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
    }

    private static String raw(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
