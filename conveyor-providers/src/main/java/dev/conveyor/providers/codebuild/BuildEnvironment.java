package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables a build's commands see, in CodeBuild's precedence from lowest to highest: the buildspec's
 * {@code env.variables}, its parameter-store and secrets-manager variables, the project's variables, the caller's
 * overrides (a pipeline action's EnvironmentVariables, StartBuild's environmentVariablesOverride); then CodeBuild's
 * own CODEBUILD_* variables, which nothing overrides.
 */
final class BuildEnvironment {
    private BuildEnvironment() {
    }

    static Map<String, String> of(BuildStart start, ProjectSettings project, Buildspec spec, Map<String, String> specSecrets,
                                  BuildSources sources, Instant startTime) {
        Map<String, String> env = new LinkedHashMap<>(spec.env().variables());
        env.putAll(specSecrets);
        env.putAll(start.variables());
        env.putIfAbsent("AWS_REGION", start.region());
        env.putIfAbsent("AWS_DEFAULT_REGION", start.region());
        env.put("CODEBUILD_CI", "true");
        env.put("CODEBUILD_BUILD_ID", start.buildId());
        env.put("CODEBUILD_BUILD_ARN", start.buildArn());
        env.put("CODEBUILD_BUILD_NUMBER", Long.toString(start.buildNumber()));
        env.put("CODEBUILD_BUILD_IMAGE", project.image() == null ? "" : project.image());
        env.put("CODEBUILD_INITIATOR", start.initiator());
        env.put("CODEBUILD_LOG_PATH", start.buildId().substring(start.buildId().indexOf(':') + 1));
        env.put("CODEBUILD_START_TIME", Long.toString(startTime.toEpochMilli()));
        env.put("CODEBUILD_BUILD_SUCCEEDING", "1");
        env.put("CODEBUILD_SRC_DIR", sources.primary().toString());
        for (Map.Entry<String, Path> secondary : sources.secondary().entrySet()) {
            env.put("CODEBUILD_SRC_DIR_" + secondary.getKey(), secondary.getValue().toString());
        }
        env.put("CODEBUILD_SOURCE_VERSION", nonNull(sources.sourceVersion()));
        env.put("CODEBUILD_RESOLVED_SOURCE_VERSION", nonNull(sources.resolvedSourceVersion()));
        env.put("CODEBUILD_SOURCE_REPO_URL", nonNull(sources.repositoryUrl()));
        if (start.logUrl() != null) {
            env.put("CODEBUILD_PUBLIC_BUILD_URL", start.logUrl());
        }
        return env;
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
