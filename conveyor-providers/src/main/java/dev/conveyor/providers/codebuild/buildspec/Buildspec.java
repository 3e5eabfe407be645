package dev.conveyor.providers.codebuild.buildspec;

import java.util.List;
import java.util.Map;

/**
 * A parsed buildspec. Absent sections are empty (never null), except {@code artifacts}, which is null when the
 * buildspec declares no primary artifact.
 *
 * @param version            "0.2" (or "0.1", run the same way)
 * @param env                variables and where secrets come from
 * @param phases             the phases the buildspec declares
 * @param artifacts          the primary artifact, or null
 * @param secondaryArtifacts secondary artifacts by identifier
 * @param reports            report groups by name (or ARN)
 * @param cachePaths         paths kept between builds of the project
 */
public record Buildspec(String version, Env env, Map<Phase, PhaseSpec> phases, ArtifactSpec artifacts,
                        Map<String, ArtifactSpec> secondaryArtifacts, Map<String, ReportSpec> reports, List<String> cachePaths) {

    /** The four phases that run commands, in the order they run. */
    public enum Phase {
        INSTALL("install"), PRE_BUILD("pre_build"), BUILD("build"), POST_BUILD("post_build");

        private final String key;

        Phase(String key) {
            this.key = key;
        }

        /** The phase's key in a buildspec, e.g. {@code pre_build}. */
        public String key() {
            return key;
        }
    }

    /** What a failed command does to the build: ABORT follows CodeBuild's phase transitions, CONTINUE goes on. */
    public enum OnFailure { ABORT, CONTINUE }

    /**
     * The {@code env} section.
     *
     * @param shell             the shell asked for (commands always run in bash here)
     * @param variables         plain variables
     * @param parameterStore    variable name → SSM parameter name
     * @param secretsManager    variable name → {@code secret-id[:json-key[:version-stage[:version-id]]]}
     * @param exportedVariables variables whose final values the build exports
     */
    public record Env(String shell, Map<String, String> variables, Map<String, String> parameterStore,
                      Map<String, String> secretsManager, List<String> exportedVariables) {
        public static final Env EMPTY = new Env(null, Map.of(), Map.of(), Map.of(), List.of());
    }

    /** One phase: its commands, the commands that run after them whatever happened, and what a failure does. */
    public record PhaseSpec(List<String> commands, List<String> finallyCommands, OnFailure onFailure,
                            Map<String, String> runtimeVersions, String runAs) {
        public static final PhaseSpec EMPTY = new PhaseSpec(List.of(), List.of(), OnFailure.ABORT, Map.of(), null);
    }

    /** An artifact: which files (globs), from which directory, flattened or not, less the excluded ones. */
    public record ArtifactSpec(List<String> files, String name, String baseDirectory, boolean discardPaths, List<String> excludePaths) {
    }

    /** A report: its files (globs) and their format (JUNITXML when not given). */
    public record ReportSpec(List<String> files, String baseDirectory, boolean discardPaths, String fileFormat) {
    }

    public PhaseSpec phase(Phase phase) {
        return phases.getOrDefault(phase, PhaseSpec.EMPTY);
    }
}
