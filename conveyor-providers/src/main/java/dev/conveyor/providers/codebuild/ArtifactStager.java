package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec.ArtifactSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Lays out one artifact of a buildspec in a directory of its own, ready to be zipped: the selected files from the
 * base directory, flattened when {@code discard-paths} asks, less {@code exclude-paths}. As CodeBuild does, a
 * pattern that selects nothing is skipped with a note, and an artifact that selects nothing at all fails.
 */
final class ArtifactStager {
    private ArtifactStager() {
    }

    /** Copies the artifact's files into {@code target} (created); fails naming the paths when there are none. */
    static int stage(ArtifactSpec spec, String what, Path sourceDir, Path target, BuildLog log) throws BuildFailure, IOException {
        Path base = within(sourceDir, spec.baseDirectory(), what);
        if (!Files.isDirectory(base)) {
            throw new BuildFailure("CLIENT_ERROR", what + ": base-directory '" + spec.baseDirectory() + "' does not exist");
        }
        FileSelection selection = FileSelection.of(base, spec.files(), spec.excludePaths());
        for (String pattern : selection.unmatched()) {
            log.note("Skipping invalid file path " + pattern);
        }
        if (selection.files().isEmpty()) {
            throw new BuildFailure("CLIENT_ERROR", what + ": no matching artifact paths found: " + String.join(", ", spec.files())
                    + (spec.baseDirectory() == null ? "" : " (in base-directory '" + spec.baseDirectory() + "')"));
        }
        Files.createDirectories(target);
        Set<String> written = new HashSet<>();
        for (String file : selection.files()) {
            String name = spec.discardPaths() ? Path.of(file).getFileName().toString() : file;
            if (!written.add(name)) {
                log.note("" + what + ": " + file + " replaces an earlier file named " + name + " (discard-paths)");
            }
            Path copy = target.resolve(name);
            Files.createDirectories(copy.getParent());
            Files.copy(base.resolve(file), copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return selection.files().size();
    }

    /** {@code relative} under {@code root}, refusing a path that leaves it ({@code ../}, absolute). */
    static Path within(Path root, String relative, String what) throws BuildFailure {
        if (relative == null || relative.isBlank() || relative.equals(".")) {
            return root;
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root.normalize())) {
            throw new BuildFailure("CLIENT_ERROR", what + ": base-directory '" + relative + "' is outside the source directory");
        }
        return resolved;
    }
}
