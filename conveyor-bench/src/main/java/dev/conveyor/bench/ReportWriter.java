package dev.conveyor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites generated sections of the benchmarks document in place. A section is the text between
 * {@code <!-- bench:ID:start -->} and {@code <!-- bench:ID:end -->}; everything outside the markers being
 * rewritten (hand-written prose, other areas' sections) is kept byte for byte, so that each benchmark (API today;
 * orchestration, artifacts, git push later) refreshes only its own figures. A missing document is created from
 * {@link #SKELETON}; a missing section is appended.
 */
final class ReportWriter {
    static final String SKELETON = """
            # Benchmarks

            Figures measured by `bin/bench` on one machine, described below. Each area has a section of its own,
            written between `<!-- bench:AREA:start -->` and `<!-- bench:AREA:end -->` markers by the benchmark that
            measures it; a run rewrites only its own sections and leaves the rest of this file as it is. Sections
            can therefore come from different runs: each one says when it was measured.

            ## Machine

            <!-- bench:machine:start -->
            <!-- bench:machine:end -->

            ## API

            <!-- bench:api:start -->
            <!-- bench:api:end -->

            ## Orchestration

            <!-- bench:orchestration:start -->
            _Not measured yet._
            <!-- bench:orchestration:end -->

            ## Artifacts

            <!-- bench:artifacts:start -->
            _Not measured yet._
            <!-- bench:artifacts:end -->

            ## Git push

            <!-- bench:git:start -->
            _Not measured yet._
            <!-- bench:git:end -->
            """;

    private final Path document;

    ReportWriter(Path document) {
        this.document = document;
    }

    /** Replaces each section named in {@code sections} (id to Markdown) and writes the document atomically. */
    void replaceSections(Map<String, String> sections) throws IOException {
        String text = Files.exists(document) ? Files.readString(document, StandardCharsets.UTF_8) : SKELETON;
        // Sorted so that appended sections come out in a stable order.
        for (Map.Entry<String, String> section : new TreeMap<>(sections).entrySet()) {
            text = replace(text, section.getKey(), section.getValue());
        }
        Path parent = document.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, ".benchmarks", ".md");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, document, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String replace(String text, String id, String content) {
        String start = "<!-- bench:" + id + ":start -->";
        String end = "<!-- bench:" + id + ":end -->";
        String body = start + "\n" + content.strip() + "\n" + end;
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            return text.stripTrailing() + "\n\n" + body + "\n";
        }
        return text.substring(0, from) + body + text.substring(to + end.length());
    }
}
