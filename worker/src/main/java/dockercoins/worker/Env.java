package dockercoins.worker;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings from environment variables, read the same way by every DockerCoins service: this file
 * is copied word for word into each one (services share no code; deploy's ServiceCopiesTest
 * keeps the copies equal). A malformed value throws {@link IllegalArgumentException} with one
 * line naming the variable and the value: {@code RNG_DELAY must be a number of seconds, got "abc"}.
 */
final class Env {
    private final Map<String, String> variables;

    Env(Map<String, String> variables) {
        this.variables = variables;
    }

    int port(String name, String fallback) {
        return number(name, fallback, 0, 65535, "a port number from 0 to 65535");
    }

    /** A whole number from min to max; meaning says what it is, for the error. */
    int number(String name, String fallback, int min, int max, String meaning) {
        return parse(name, fallback, "must be " + meaning, value -> value.matches("[0-9]{1,10}")
                && Long.parseLong(value) >= min && Long.parseLong(value) <= max ? Integer.parseInt(value) : null);
    }

    /** Seconds as "0.1", "2" or ".5", exact to the nanosecond (no rounding through a double). */
    Duration seconds(String name, String fallback) {
        return parse(name, fallback, "must be a number of seconds", value -> value.matches("[0-9]{1,9}(\\.[0-9]*)?|\\.[0-9]+")
                ? Duration.ofNanos(new BigDecimal(value).movePointRight(9).longValue()) : null);
    }

    /** An address to listen on: an IP address or a name that resolves now. */
    String address(String name, String fallback) {
        return parse(name, fallback, "must be an IP address or a known host name",
                value -> new InetSocketAddress(value, 0).isUnresolved() ? null : value);
    }

    URI redisUrl(String name, String fallback) {
        return parse(name, fallback, "must look like redis://[:password@]host[:port][/db]", value -> {
            try {
                var url = new URI(value);
                boolean valid = url.getScheme() != null && url.getScheme().matches("rediss?") && url.getHost() != null
                        && url.getRawPath().matches("(/[0-9]{0,5})?");
                return valid ? url : null;
            } catch (URISyntaxException e) {
                return null;
            }
        });
    }

    /** A switch: on, yes or true, off, no or false, in any case; unset or blank is the fallback. */
    boolean onOff(String name, String fallback) {
        return parse(name, fallback, "must be on or off (or yes/no, true/false)",
                value -> switch ((value.isEmpty() ? fallback : value).toLowerCase(Locale.ROOT)) {
                    case "on", "yes", "true" -> Boolean.TRUE;
                    case "off", "no", "false" -> Boolean.FALSE;
                    default -> null;
                });
    }

    /**
     * What a rollout lab shows of a version: VERSION (the image's build argument, e.g. v0.2),
     * COLOR (a CSS colour name or #rgb/#rrggbb) and MESSAGE (one line); each "" when unset.
     */
    record Version(String version, String color, String message) {
        static final Version NONE = new Version("", "", "");

        /** "version v0.2, color blue, hello": the set ones, or "" when none is. */
        String line() {
            var parts = new java.util.ArrayList<String>();
            if (!version.isEmpty()) parts.add("version " + version);
            if (!color.isEmpty()) parts.add("color " + color);
            if (!message.isEmpty()) parts.add(message);
            return String.join(", ", parts);
        }
    }

    Version version() {
        return new Version(
                parse("VERSION", "", "must be at most 40 characters, without spaces", value -> value.matches("[!-~]{0,40}") ? value : null),
                parse("COLOR", "", "must be a CSS colour name or #rgb or #rrggbb",
                        value -> value.matches("|[a-zA-Z]{1,30}|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}") ? value : null),
                parse("MESSAGE", "", "must be one line of at most 200 characters",
                        value -> value.length() <= 200 && !value.matches("(?s).*\\p{Cntrl}.*") ? value : null));
    }

    /** DEBUG: a value starting with y or Y (y, yes, Yes) turns the debug logs on. */
    boolean debug() {
        String value = variables.getOrDefault("DEBUG", "").strip();
        return value.startsWith("y") || value.startsWith("Y");
    }

    /** Set to something other than blanks. */
    boolean isSet(String name) {
        return !variables.getOrDefault(name, "").isBlank();
    }

    /**
     * The value (or the fallback), without surrounding blanks, turned into a T by parser, which
     * returns null for a malformed value: then the error says "NAME rule, got "value"".
     */
    <T> T parse(String name, String fallback, String rule, Function<String, T> parser) {
        String value = variables.getOrDefault(name, fallback);
        T parsed = parser.apply(value.strip());
        if (parsed == null) throw new IllegalArgumentException(name + " " + rule + ", got \"" + value + "\"");
        return parsed;
    }

    /** Called before the first logger exists: slf4j-simple reads its level once. */
    static void enableDebugLogs() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }

    /**
     * The name of this replica in webui's per-replica view and the X-Replica header: REPLICA_NAME
     * (the launcher sets worker-2 and so on: its replicas share one host), else the host name.
     */
    String replicaName() {
        String name = variables.getOrDefault("REPLICA_NAME", "").strip();
        return name.isEmpty() ? hostname() : name;
    }

    /** The kernel's host name, as the originals' gethostname(): no DNS look-up on Linux. */
    static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }
}
