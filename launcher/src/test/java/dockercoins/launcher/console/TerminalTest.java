package dockercoins.launcher.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {

    @Test
    void a_terminal_is_coloured_unless_told_not_to() {
        Terminal terminal = Terminal.of(Map.of("DOCKERCOINS_TTY", "1"));
        assertTrue(terminal.isTerminal());
        assertTrue(terminal.colour(false));
        assertFalse(terminal.colour(true), "--no-color");
    }

    @Test
    void no_color_drops_the_colours_but_the_output_is_still_a_terminal() {
        Terminal terminal = Terminal.of(Map.of("DOCKERCOINS_TTY", "1", "NO_COLOR", "1"));
        assertFalse(terminal.colour(false));
        assertTrue(terminal.isTerminal(), "stats keeps redrawing, the bench keeps its progress line");
    }

    @Test
    void a_pipe_is_neither_a_terminal_nor_coloured() {
        Terminal pipe = Terminal.of(Map.of());
        assertFalse(pipe.isTerminal());
        assertFalse(pipe.colour(false));
    }
}
