package dockercoins.launcher.bench;

import dockercoins.launcher.console.LaunchException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The bench's results: a list of figures, each beside its original and target (from
 * {@link BenchTargets}), written as a table, CSV, JSON and a chart of hashes/s against workers;
 * and an earlier run's CSV read back as a baseline.
 */
public final class BenchReport {
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";
    public static final String PNG = "hashes-per-second.png";
    public static final String CSV_HEADER = "key,phase,figure,value,unit,spread,samples,original,target,status";

    public final Map<String, String> about = new LinkedHashMap<>();
    final List<Figure> figures = new ArrayList<>();

    void add(Figure figure) {
        figures.add(figure);
    }

    // ---- table ------------------------------------------------------------------------------

    /** The human table; with a baseline (key -> value), a column of ratios to it. */
    public void printTable(PrintWriter out, Map<String, Double> baseline) {
        for (var e : about.entrySet()) out.printf("%-16s %s%n", e.getKey() + ":", e.getValue());
        String format = "%-10s %-44s %10s %-6s %9s %9s %-13s %-6s%s%n";
        out.printf(format, "PHASE", "FIGURE", "VALUE", "UNIT", "SPREAD", "ORIGINAL", "TARGET", "STATUS",
                baseline == null ? "" : "  VS BASELINE");
        String phase = "";
        for (Figure f : figures) {
            if (!f.phase().equals(phase) && !phase.isEmpty()) out.println();
            phase = f.phase();
            String ratio = "";
            if (baseline != null) {
                Double before = baseline.get(f.key());
                ratio = before == null || before == 0 || Double.isNaN(f.value()) ? "  -" : String.format(Locale.ROOT, "  x%.2f", f.value() / before);
            }
            out.printf(format, f.phase(), f.label(), Figure.num(f.value()), f.unit(),
                    Double.isNaN(f.spread()) ? "" : "±" + Figure.num(f.spread()), Figure.num(f.original()), f.targetText(), f.status(), ratio);
        }
        out.flush();
    }

    // ---- files ------------------------------------------------------------------------------

    public void writeCsv(Path file) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Figure f : figures) {
            csv.append(String.join(",", f.key(), f.phase(), quoteCsv(f.label()), raw(f.value()), f.unit(), raw(f.spread()),
                    Integer.toString(f.samples()), raw(f.original()), quoteCsv(f.targetText()), f.status())).append('\n');
        }
        write(file, csv.toString());
    }

    public void writeJson(Path file) {
        StringBuilder json = new StringBuilder("{\n  \"bench\": \"dockercoins\",\n  \"format\": 1,\n  \"about\": {");
        String sep = "\n";
        for (var e : about.entrySet()) {
            json.append(sep).append("    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            sep = ",\n";
        }
        json.append("\n  },\n  \"figures\": [");
        sep = "\n";
        for (Figure f : figures) {
            json.append(sep).append("    {\"key\": ").append(quote(f.key()))
                    .append(", \"phase\": ").append(quote(f.phase()))
                    .append(", \"figure\": ").append(quote(f.label()))
                    .append(", \"value\": ").append(jsonNumber(f.value()))
                    .append(", \"unit\": ").append(quote(f.unit()))
                    .append(", \"spread\": ").append(jsonNumber(f.spread()))
                    .append(", \"samples\": ").append(f.samples())
                    .append(", \"original\": ").append(jsonNumber(f.original()))
                    .append(", \"target\": ").append(quote(f.targetText()))
                    .append(", \"status\": ").append(quote(f.status())).append('}');
            sep = ",\n";
        }
        json.append("\n  ]\n}\n");
        write(file, json.toString());
    }

    /** Hashes/s against workers: lab, turbo and the ideal lab curve, on a log scale (they differ 100x). */
    public void writeChart(Path file) {
        XYChart chart = Chart.create("DockerCoins: hashes per second against workers", "workers", "hashes/s (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisDecimalPattern("0");

        List<Double> idealX = new ArrayList<>();
        List<Double> idealY = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            idealX.add((double) n);
            idealY.add(BenchTargets.ideal(n, 1));
        }
        XYSeries ideal = chart.addSeries("ideal lab: min(3.33 n, 10)", idealX, idealY);
        ideal.setMarker(SeriesMarkers.NONE);
        ideal.setLineColor(Color.GRAY);
        ideal.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        addSeries(chart, "lab (default delays, 1 rng)", "lab", "_rng_", false, new Color(0x1f77b4));
        addSeries(chart, "lab, 10 workers, rng scaled to 2 and 3", "lab", "_rng_", true, new Color(0x2ca02c));
        addSeries(chart, "turbo (no delays, throughput knobs on)", "turbo", null, false, new Color(0xd62728));
        Chart.save(chart, file);
    }

    /** Points from figures "<phase>.workers_<n>[_rng_<r>].hashes_per_s"; {@code scaledRng} picks those with rng > 1. */
    private void addSeries(XYChart chart, String name, String phase, String rngTag, boolean scaledRng, Color colour) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Figure f : figures) {
            if (!f.phase().equals(phase) || !f.key().endsWith(".hashes_per_s") || !f.key().contains(".workers_")) continue;
            if (rngTag != null && f.key().contains(rngTag) != scaledRng) continue;
            if (Double.isNaN(f.value()) || f.value() <= 0) continue;
            String w = f.key().substring(f.key().indexOf(".workers_") + 9);
            x.add(Double.parseDouble(w.replaceAll("[^0-9].*", "")));
            y.add(f.value());
        }
        if (x.isEmpty()) return;
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setMarker(SeriesMarkers.CIRCLE);
        if (scaledRng) s.setLineStyle(new BasicStroke(0f));
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String raw(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String jsonNumber(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String quoteCsv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- baseline -----------------------------------------------------------------------------

    /** key -> value of the figures of an earlier results.csv (or of the results folder that holds one). */
    public static Map<String, Double> readBaseline(Path file) {
        Path csv = Files.isDirectory(file) ? file.resolve(CSV) : file;
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new LaunchException("cannot read the baseline " + csv + ": " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).equals(CSV_HEADER)) {
            throw new LaunchException("the baseline " + csv + " is not a bench " + CSV + " (its first line is not \"" + CSV_HEADER + "\")");
        }
        List<String> header = List.of(CSV_HEADER.split(","));
        int key = header.indexOf("key");
        int value = header.indexOf("value");
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = csvFields(line);
            if (fields.size() != header.size() || fields.get(value).isEmpty()) continue;
            try {
                values.put(fields.get(key), Double.parseDouble(fields.get(value)));
            } catch (NumberFormatException e) {
                // not a figure: skipped
            }
        }
        return values;
    }

    /** The fields of one CSV line, with RFC 4180 quoting (as quoteCsv writes them). */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
