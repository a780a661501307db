package dockercoins.launcher.console;

import java.util.Map;

/**
 * Where the output goes: a terminal or not (the script tells, as {@code [ -t 1 ]}, in
 * DOCKERCOINS_TTY), and whether it may be coloured. Two questions, because NO_COLOR drops the
 * colours only: on a terminal, stats still redraws its table and the bench its progress line.
 */
public record Terminal(boolean isTerminal, boolean noColor) {

    public static Terminal of(Map<String, String> environment) {
        return new Terminal("1".equals(environment.get("DOCKERCOINS_TTY")), environment.containsKey("NO_COLOR"));
    }

    /** Colours only on a terminal, never with NO_COLOR or the verb's {@code --no-color}. */
    public boolean colour(boolean noColorOption) {
        return isTerminal && !noColor && !noColorOption;
    }
}
