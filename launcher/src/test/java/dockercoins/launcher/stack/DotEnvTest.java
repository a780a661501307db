package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** .env read the way Compose reads it. */
class DotEnvTest {

    @Test
    void reads_keys_values_comments_and_export() {
        Map<String, String> values = DotEnv.parse(List.of(
                "# a slow worker, as in the v0.2 scenario",
                "",
                "WORKER_DELAY=1",
                "export DEBUG=yes",
                "RNG_DELAY = 0.2   # seconds",
                "HASHER_DELAY=0.1#not a comment"), Map.of());
        assertEquals(Map.of("WORKER_DELAY", "1", "DEBUG", "yes", "RNG_DELAY", "0.2", "HASHER_DELAY", "0.1#not a comment"),
                values);
    }

    @Test
    void single_quotes_are_literal_and_double_quotes_take_escapes() {
        Map<String, String> values = DotEnv.parse(List.of(
                "A='${HOME} # kept'",
                "B=\"two\\nlines \\\"quoted\\\"\" # comment",
                "C=\"cost: \\$5\""), Map.of("HOME", "/root"));
        assertEquals("${HOME} # kept", values.get("A"));
        assertEquals("two\nlines \"quoted\"", values.get("B"));
        assertEquals("cost: $5", values.get("C"));
    }

    @Test
    void expands_variables_from_the_environment_first_then_lines_above() {
        Map<String, String> values = DotEnv.parse(List.of(
                "DELAY=0.5",
                "WORKER_DELAY=${DELAY}",
                "RNG_DELAY=$DELAY",
                "HASHER_DELAY=${UNSET:-0.3}",
                "FILES_DIR=${HOME}/files",
                "PRICE=$$1"), Map.of("HOME", "/home/me", "DELAY", "2"));
        assertEquals("2", values.get("WORKER_DELAY"));
        assertEquals("2", values.get("RNG_DELAY"));
        assertEquals("0.3", values.get("HASHER_DELAY"));
        assertEquals("/home/me/files", values.get("FILES_DIR"));
        assertEquals("$1", values.get("PRICE"));
    }

    @Test
    void a_malformed_line_is_reported_with_its_number() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DotEnv.parse(List.of("A=1", "not an assignment"), Map.of()));
        assertTrue(e.getMessage().startsWith("line 2: expected KEY=VALUE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DotEnv.parse(List.of("A=\"open"), Map.of()));
    }
}
