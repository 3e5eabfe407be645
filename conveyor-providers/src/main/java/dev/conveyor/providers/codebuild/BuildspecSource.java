package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import dev.conveyor.providers.codebuild.buildspec.BuildspecException;
import dev.conveyor.providers.codebuild.buildspec.BuildspecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and reads a build's buildspec, as CodeBuild does: the project's {@code source.buildspec} is either YAML
 * itself (inline), or a path in the primary source, or absent ({@code buildspec.yml} at the source's root).
 * Every problem is a YAML_FILE_ERROR naming the file and, for bad content, the line.
 */
final class BuildspecSource {
    private BuildspecSource() {
    }

    static Buildspec load(String projectBuildspec, Path sourceDir, BuildLog log) throws BuildFailure {
        try {
            if (projectBuildspec != null && isInline(projectBuildspec)) {
                log.note("Using the buildspec declared in the project");
                return new BuildspecParser("inline buildspec", log::note).parse(projectBuildspec);
            }
            if (projectBuildspec != null && projectBuildspec.startsWith("arn:")) {
                throw new BuildFailure("YAML_FILE_ERROR", "buildspec " + projectBuildspec + ": buildspecs stored in S3 are not "
                        + "supported; put the buildspec in the source or in the project");
            }
            String name = projectBuildspec == null ? "buildspec.yml" : projectBuildspec.strip();
            Path file = ArtifactStager.within(sourceDir, name, "buildspec");
            if (!Files.isRegularFile(file) && projectBuildspec == null && Files.isRegularFile(sourceDir.resolve("buildspec.yaml"))) {
                name = "buildspec.yaml";
                file = sourceDir.resolve(name);
            }
            if (!Files.isRegularFile(file)) {
                throw new BuildFailure("YAML_FILE_ERROR", "buildspec " + name + " was not found in the source");
            }
            if (Files.size(file) > BuildspecParser.MAX_CHARS) {
                throw new BuildFailure("YAML_FILE_ERROR", name + ": the buildspec is larger than " + BuildspecParser.MAX_CHARS + " bytes");
            }
            log.note("Using buildspec " + name + " from the source");
            return new BuildspecParser(name, log::note).parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (BuildspecException e) {
            throw new BuildFailure("YAML_FILE_ERROR", e.getMessage());
        } catch (IOException e) {
            throw new BuildFailure("YAML_FILE_ERROR", "the buildspec cannot be read: " + e.getMessage());
        }
    }

    /** YAML rather than a file name: several lines, or a mapping on one line. */
    static boolean isInline(String buildspec) {
        String text = buildspec.strip();
        return text.contains("\n") || text.startsWith("version:") || text.startsWith("{");
    }
}
