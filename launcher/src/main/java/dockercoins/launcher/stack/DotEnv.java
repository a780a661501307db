package dockercoins.launcher.stack;

import dockercoins.launcher.console.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code .env} file read the way Docker Compose reads it: {@code KEY=value} lines, {@code #}
 * comments, optional {@code export}, single quotes literal, double quotes with escapes, and
 * {@code ${VAR}}, {@code ${VAR:-default}}, {@code $VAR} expanded from the environment first
 * (the shell wins over the file, as in Compose), then from lines above.
 */
public final class DotEnv {
    private static final Pattern LINE = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*)");
    private static final Pattern VAR = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private DotEnv() {
    }

    public static Map<String, String> read(Path file, Map<String, String> environment) {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            return parse(Files.readAllLines(file), environment);
        } catch (IOException e) {
            throw new LaunchException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(file.getFileName() + " " + e.getMessage());
        }
    }

    static Map<String, String> parse(List<String> lines, Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        Function<String, String> lookup = name -> environment.containsKey(name) ? environment.get(name) : values.get(name);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected KEY=VALUE, got \"" + line + "\"");
            }
            values.put(m.group(1), value(m.group(2), lookup, i + 1));
        }
        return values;
    }

    private static String value(String raw, Function<String, String> lookup, int lineNumber) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) throw new IllegalArgumentException("line " + lineNumber + ": missing closing '");
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') return expand(sb.toString(), lookup);
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    sb.append(switch (next) {
                        case 'n' -> "\n";
                        case 't' -> "\t";
                        case 'r' -> "\r";
                        case '$' -> "$$";
                        default -> String.valueOf(next);
                    });
                } else {
                    sb.append(c);
                }
            }
            throw new IllegalArgumentException("line " + lineNumber + ": missing closing \"");
        }
        String unquoted = raw.replaceFirst("\\s+#.*$", "").strip();
        return expand(unquoted, lookup);
    }

    static String expand(String text, Function<String, String> lookup) {
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String name = m.group(1) != null ? m.group(1) : m.group(4);
                String value = lookup.apply(name);
                String operator = m.group(2);
                boolean useDefault = operator != null && (value == null || (operator.equals(":-") && value.isEmpty()));
                replacement = useDefault ? m.group(3) : (value == null ? "" : value);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
