package dev.conveyor.cli.client;

import java.io.Console;

/** Whether output goes to a terminal, where progress may be redrawn in place and coloured. */
final class Terminal {
    static final String RESET = "\u001b[0m";
    static final String BOLD = "\u001b[1m";
    static final String DIM = "\u001b[2m";
    static final String RED = "\u001b[31m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String CYAN = "\u001b[36m";

    private Terminal() {
    }

    /** True when standard output is an interactive terminal that understands ANSI escapes. */
    static boolean isInteractive() {
        String term = System.getenv("TERM");
        if (term == null || term.isEmpty() || "dumb".equals(term)) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From JDK 22 System.console() also exists when output is redirected; isTerminal() tells them apart.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only when both streams are a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
