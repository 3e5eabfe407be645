package dev.conveyor.providers.codebuild.buildspec;

/**
 * A buildspec that cannot be run: names the file, the line (1-based; 0 when the problem is not at one line) and
 * the reason, e.g. {@code buildspec.yml line 7: phases.build.commands must be a list of commands}.
 */
public final class BuildspecException extends Exception {
    private final String file;
    private final int line;
    private final String reason;

    public BuildspecException(String file, int line, String reason) {
        super(file + (line > 0 ? " line " + line : "") + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
