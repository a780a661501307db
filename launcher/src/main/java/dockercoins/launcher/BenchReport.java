package dockercoins.launcher;

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
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The bench's results: a list of figures, each with its original (the Python/Ruby/Node
 * DockerCoins measured on the same machine) and its target, written as a table, CSV, JSON and a
 * chart of hashes/s against workers.
 */
final class BenchReport {
    static final String CSV = "results.csv";
    static final String JSON = "results.json";
    static final String PNG = "hashes-per-second.png";
    static final String CSV_HEADER = "key,phase,figure,value,unit,spread,samples,original,target,status";

    /** Lab ideal: 3.33 loops/s per worker, until rng (10 requests/s per replica) saturates. */
    static double ideal(int workers, int rngReplicas) {
        return Math.min(workers / 0.3, 10.0 * rngReplicas);
    }

    enum Goal {
        /** No target: reported only. */
        NONE,
        /** No target, but the lab's ideal is shown beside it. */
        IDEAL,
        /** Within 5% of the target (the lab's ideal). */
        WITHIN_5_PERCENT,
        /** At least the target (ten times the original). */
        TEN_TIMES,
        /** At most the target (the original). */
        AT_MOST
    }

    /** One measured figure, the original's where known, and the target it is held to. */
    record Figure(String key, String phase, String label, double value, String unit, double spread, int samples,
                  double original, Goal goal, double target) {
        /** "met", "missed", or "" when there is no target. */
        String status() {
            if (Double.isNaN(value) || Double.isNaN(target)) return "";
            return switch (goal) {
                case NONE, IDEAL -> "";
                case WITHIN_5_PERCENT -> Math.abs(value - target) <= 0.05 * target ? "met" : "missed";
                case TEN_TIMES -> value >= target ? "met" : "missed";
                case AT_MOST -> value <= target ? "met" : "missed";
            };
        }

        String targetText() {
            if (Double.isNaN(target)) return "";
            return switch (goal) {
                case NONE -> "";
                case IDEAL -> "(ideal " + num(target) + ")";
                case WITHIN_5_PERCENT -> num(target) + " ±5%";
                case TEN_TIMES -> ">= " + num(target);
                case AT_MOST -> "<= " + num(target);
            };
        }
    }

    final Map<String, String> about = new LinkedHashMap<>();
    final List<Figure> figures = new ArrayList<>();

    void add(String key, String phase, String label, double value, String unit, double spread, int samples,
             double original, Goal goal) {
        double target = switch (goal) {
            case TEN_TIMES -> 10 * original;
            case AT_MOST -> original;
            default -> Double.NaN;
        };
        figures.add(new Figure(key, phase, label, value, unit, spread, samples, original, goal, target));
    }

    void add(String key, String phase, String label, double value, String unit) {
        add(key, phase, label, value, unit, Double.NaN, 0, Double.NaN, Goal.NONE);
    }

    Figure get(String key) {
        return figures.stream().filter(f -> f.key().equals(key)).findFirst().orElse(null);
    }

    // ---- table ------------------------------------------------------------------------------

    /** The human table; with a baseline (key -> value), a column of ratios to it. */
    void printTable(PrintWriter out, Map<String, Double> baseline) {
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
            out.printf(format, f.phase(), f.label(), num(f.value()), f.unit(),
                    Double.isNaN(f.spread()) ? "" : "±" + num(f.spread()), num(f.original()), f.targetText(), f.status(), ratio);
        }
        out.flush();
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    // ---- files ------------------------------------------------------------------------------

    void writeCsv(Path file) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Figure f : figures) {
            csv.append(String.join(",", f.key(), f.phase(), quoteCsv(f.label()), raw(f.value()), f.unit(), raw(f.spread()),
                    Integer.toString(f.samples()), raw(f.original()), quoteCsv(f.targetText()), f.status())).append('\n');
        }
        write(file, csv.toString());
    }

    void writeJson(Path file) {
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
    void writeChart(Path file) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("DockerCoins: hashes per second against workers")
                .xAxisTitle("workers").yAxisTitle("hashes/s (log scale)").build();
        Styler styler = chart.getStyler();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        styler.setToolTipsEnabled(false);

        List<Double> idealX = new ArrayList<>();
        List<Double> idealY = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            idealX.add((double) n);
            idealY.add(ideal(n, 1));
        }
        XYSeries ideal = chart.addSeries("ideal lab: min(3.33 n, 10)", idealX, idealY);
        ideal.setMarker(SeriesMarkers.NONE);
        ideal.setLineColor(Color.GRAY);
        ideal.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        addSeries(chart, "lab (default delays, 1 rng)", "lab", "_rng_", false, new Color(0x1f77b4));
        addSeries(chart, "lab, 10 workers, rng scaled to 2 and 3", "lab", "_rng_", true, new Color(0x2ca02c));
        addSeries(chart, "turbo (no delays)", "turbo", null, false, new Color(0xd62728));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** key -> value of the figures of an earlier results.json. */
    static Map<String, Double> readBaseline(Path file) {
        Object root;
        try {
            root = Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new LaunchException("cannot read the baseline " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new LaunchException("the baseline " + file + " is not JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("figures") instanceof List<?> list)) {
            throw new LaunchException("the baseline " + file + " is not a bench results.json (no \"figures\")");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> f && f.get("key") instanceof String key && f.get("value") instanceof Double v) {
                values.put(key, v);
            }
        }
        return values;
    }

    /** A small JSON reader (objects, arrays, strings, numbers, true/false/null): enough for results files. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json p = new Json(text);
            Object v = p.value();
            p.space();
            if (p.i != text.length()) throw p.error("trailing text");
            return v;
        }

        private Object value() {
            space();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) return literal("true", Boolean.TRUE);
            if (s.startsWith("false", i)) return literal("false", Boolean.FALSE);
            if (s.startsWith("null", i)) return literal("null", null);
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw error("unexpected '" + c + "'");
            try {
                return Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }

        private Object literal(String word, Object v) {
            i += word.length();
            return v;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            space();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') throw error("expected a key");
                String key = string();
                space();
                expect(':');
                m.put(key, value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            space();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                space();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) throw error("unterminated string");
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw error("bad \\u escape");
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private char peek() {
            if (i >= s.length()) throw error("unexpected end");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw error("expected '" + c + "'");
            i++;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + i);
        }
    }
}
