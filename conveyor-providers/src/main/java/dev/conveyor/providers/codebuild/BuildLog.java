package dev.conveyor.providers.codebuild;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A build's log: every line masked before it reaches the sink (the action log, or a build's own log file), for
 * secrets learned while the build runs (parameter-store and secrets-manager values) as well as before. Values
 * shorter than three characters are not masked, as the action log does, lest every "a" become "***".
 */
public final class BuildLog implements Consumer<String> {
    private static final java.time.format.DateTimeFormatter TIMESTAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    private final Consumer<String> sink;
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    public BuildLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public void mask(Collection<String> values) {
        for (String value : values) {
            if (value != null && value.length() >= 3 && !secrets.contains(value)) {
                secrets.add(value);
                // Lines of a multi-line secret are masked on their own, since the log is line by line.
                for (String line : value.split("\n")) {
                    if (line.strip().length() >= 3 && !secrets.contains(line)) {
                        secrets.add(line);
                    }
                }
            }
        }
        secrets.sort((a, b) -> b.length() - a.length()); // longest first, so a secret inside another is not half-masked
    }

    /**
     * A line of the build's own, as CodeBuild writes them: {@code [Container] 2026/01/31 12:00:00.123 message}
     * (UTC), told apart from what the commands print.
     */
    public void note(String message) {
        accept("[Container] " + TIMESTAMP.format(java.time.Instant.now()) + " " + message);
    }

    @Override
    public void accept(String line) {
        String masked = line;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        sink.accept(masked);
    }
}
