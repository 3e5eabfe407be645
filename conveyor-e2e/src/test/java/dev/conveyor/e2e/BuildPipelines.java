package dev.conveyor.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Definitions for {@code aws codepipeline create-pipeline --cli-input-json}: a source, then a Commands build over it
 * (input {@code Src}, output {@code Out}), executions in PARALLEL; written as JSON, so commands need no escaping.
 */
final class BuildPipelines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BuildPipelines() {
    }

    /** An S3 source reading {@code bucket/key}: the source provider and its configuration. */
    static Map.Entry<String, Map<String, String>> s3Source(String bucket, String key) {
        return Map.entry("S3", Map.of("S3Bucket", bucket, "S3ObjectKey", key));
    }

    /** A CodeCommit source on branch {@code main} of {@code repository}, not polled. */
    static Map.Entry<String, Map<String, String>> codeCommitSource(String repository) {
        return Map.entry("CodeCommit", Map.of("RepositoryName", repository, "BranchName", "main", "PollForSourceChanges", "false"));
    }

    /** Writes the definition of pipeline {@code name} to {@code <dir>/<name>.json}, and returns that file. */
    static Path write(Path dir, String name, String artifactBucket, Map.Entry<String, Map<String, String>> source, String... commands)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode pipeline = root.putObject("pipeline").put("name", name).put("roleArn", "arn:aws:iam::111111111111:role/r")
                .put("pipelineType", "V2").put("executionMode", "PARALLEL");
        pipeline.putObject("artifactStore").put("type", "S3").put("location", artifactBucket);
        var stages = pipeline.putArray("stages");
        ObjectNode sourceAction = stages.addObject().put("name", "Source").putArray("actions").addObject().put("name", "Source");
        sourceAction.putObject("actionTypeId").put("category", "Source").put("owner", "AWS").put("provider", source.getKey()).put("version", "1");
        source.getValue().forEach(sourceAction.putObject("configuration")::put);
        sourceAction.putArray("outputArtifacts").addObject().put("name", "Src");
        ObjectNode build = stages.addObject().put("name", "Build").putArray("actions").addObject().put("name", "Build");
        build.putObject("actionTypeId").put("category", "Compute").put("owner", "AWS").put("provider", "Commands").put("version", "1");
        build.putArray("inputArtifacts").addObject().put("name", "Src");
        build.putArray("outputArtifacts").addObject().put("name", "Out");
        var list = build.putArray("commands");
        for (String command : commands) {
            list.add(command);
        }
        Path definition = dir.resolve(name + ".json");
        Files.writeString(definition, JSON.writeValueAsString(root));
        return definition;
    }
}
