package dev.conveyor.providers.codebuild;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of a project (the API's Project shape) a build uses.
 *
 * @param buildspec      the project's buildspec: null (buildspec.yml in the source), a path in the source, or YAML
 * @param image          the environment's image, or null
 * @param privileged     whether the container runs privileged
 * @param timeoutMinutes how long a build may run (CodeBuild's default: 60)
 * @param cacheType      NO_CACHE, LOCAL or S3 (both of the latter are kept on the agent)
 */
public record ProjectSettings(String name, String buildspec, String image, boolean privileged, int timeoutMinutes, String cacheType) {
    public static final int DEFAULT_TIMEOUT_MINUTES = 60;

    public static ProjectSettings of(JsonNode project) {
        String buildspec = project.path("source").path("buildspec").asText("");
        String image = project.path("environment").path("image").asText("");
        return new ProjectSettings(project.path("name").asText(), buildspec.isBlank() ? null : buildspec,
                image.isBlank() ? null : image, project.path("environment").path("privilegedMode").asBoolean(false),
                project.path("timeoutInMinutes").asInt(DEFAULT_TIMEOUT_MINUTES), project.path("cache").path("type").asText("NO_CACHE"));
    }

    public boolean caches() {
        return !"NO_CACHE".equals(cacheType);
    }

    /** Whether the image is one of CodeBuild's curated images, which the host stands in for. */
    public boolean curatedImage() {
        return image == null || image.startsWith("aws/codebuild/") || image.startsWith("public.ecr.aws/codebuild/");
    }
}
