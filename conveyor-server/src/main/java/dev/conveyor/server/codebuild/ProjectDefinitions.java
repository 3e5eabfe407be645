package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.codebuild.ProjectRow;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Projects as stored and shown: CreateProject's and UpdateProject's input checked against CodeBuild's rules beyond
 * the service model (what goes with CODEPIPELINE and NO_SOURCE, where S3 locations are needed, reserved variable
 * names), completed with CodeBuild's defaults, and rendered with its timestamps.
 */
final class ProjectDefinitions {
    /** The members CreateProject takes, copied from the input (the rest are defaults or the server's). */
    private static final List<String> MEMBERS = List.of("description", "source", "secondarySources", "sourceVersion",
            "secondarySourceVersions", "artifacts", "secondaryArtifacts", "cache", "environment", "serviceRole", "timeoutInMinutes",
            "queuedTimeoutInMinutes", "encryptionKey", "tags", "vpcConfig", "logsConfig", "fileSystemLocations",
            "buildBatchConfig", "concurrentBuildLimit", "autoRetryLimit");

    private final CodeBuildArns arns;
    private final String region;
    private final String accountId;

    ProjectDefinitions(CodeBuildArns arns, String region, String accountId) {
        this.arns = arns;
        this.region = region;
        this.accountId = accountId;
    }

    /** A new project's definition from CreateProject's input: checked, with defaults. */
    ObjectNode create(JsonNode input) {
        ObjectNode project = ConveyorJson.mapper().createObjectNode();
        project.put("name", input.get("name").asText());
        project.put("arn", arns.project(input.get("name").asText()));
        for (String member : MEMBERS) {
            if (input.has(member)) {
                project.set(member, input.get(member).deepCopy());
            }
        }
        return completed(project);
    }

    /** An existing definition with UpdateProject's members replaced. */
    ObjectNode update(JsonNode stored, JsonNode input) {
        ObjectNode project = stored.deepCopy();
        for (String member : MEMBERS) {
            if (input.has(member)) {
                project.set(member, input.get(member).deepCopy());
            }
        }
        return completed(project);
    }

    private ObjectNode completed(ObjectNode project) {
        check(project);
        setIfMissing(project, "timeoutInMinutes", 60);
        setIfMissing(project, "queuedTimeoutInMinutes", 480);
        if (!project.has("cache")) {
            project.putObject("cache").put("type", "NO_CACHE");
        }
        if (!project.has("encryptionKey")) {
            project.put("encryptionKey", "arn:aws:kms:" + region + ":" + accountId + ":alias/aws/s3");
        }
        if (!project.has("tags")) {
            project.putArray("tags");
        }
        if (!project.has("secondarySources")) {
            project.putArray("secondarySources");
        }
        if (!project.has("secondaryArtifacts")) {
            project.putArray("secondaryArtifacts");
        }
        if (!project.has("secondarySourceVersions")) {
            project.putArray("secondarySourceVersions");
        }
        if (!project.has("logsConfig")) {
            ObjectNode logs = project.putObject("logsConfig");
            logs.putObject("cloudWatchLogs").put("status", "ENABLED");
            logs.putObject("s3Logs").put("status", "DISABLED").put("encryptionDisabled", false);
        }
        ObjectNode environment = (ObjectNode) project.get("environment");
        if (!environment.has("environmentVariables")) {
            environment.putArray("environmentVariables");
        }
        for (JsonNode variable : environment.get("environmentVariables")) {
            if (!variable.has("type")) {
                ((ObjectNode) variable).put("type", "PLAINTEXT");
            }
        }
        if (!environment.has("privilegedMode")) {
            environment.put("privilegedMode", false);
        }
        if (!environment.has("imagePullCredentialsType")) {
            environment.put("imagePullCredentialsType", "CODEBUILD");
        }
        ObjectNode source = (ObjectNode) project.get("source");
        if (!source.has("insecureSsl")) {
            source.put("insecureSsl", false);
        }
        project.putObject("badge").put("badgeEnabled", false);
        project.put("projectVisibility", "PRIVATE");
        return project;
    }

    /** CodeBuild's rules beyond the model's shapes; each failure is an InvalidInputException, as CodeBuild answers. */
    static void check(JsonNode project) {
        JsonNode source = project.path("source");
        JsonNode artifacts = project.path("artifacts");
        String sourceType = source.path("type").asText();
        String artifactsType = artifacts.path("type").asText();
        if ("CODEPIPELINE".equals(sourceType) != "CODEPIPELINE".equals(artifactsType)) {
            throw new InvalidInputException("Both source and artifacts must be of type CODEPIPELINE when one of them is (source: "
                    + sourceType + ", artifacts: " + artifactsType + ")");
        }
        if ("NO_SOURCE".equals(sourceType) && source.path("buildspec").asText("").isBlank()) {
            throw new InvalidInputException("Project source buildspec cannot be empty when the source type is NO_SOURCE");
        }
        if (!List.of("CODEPIPELINE", "NO_SOURCE").contains(sourceType) && source.path("location").asText("").isBlank()) {
            throw new InvalidInputException("Project source location is required when the source type is " + sourceType);
        }
        if ("S3".equals(sourceType) && !source.path("location").asText().contains("/")) {
            throw new InvalidInputException("An S3 source location must be bucket/key, not '" + source.path("location").asText() + "'");
        }
        checkArtifacts(artifacts, "artifacts");
        Set<String> identifiers = new HashSet<>();
        for (JsonNode secondary : project.path("secondarySources")) {
            String id = secondary.path("sourceIdentifier").asText("");
            if (!id.matches("[A-Za-z][A-Za-z0-9_]{0,127}") || !identifiers.add(id)) {
                throw new InvalidInputException("Each secondary source needs a unique sourceIdentifier of letters, digits and "
                        + "underscores, starting with a letter (got '" + id + "')");
            }
        }
        identifiers.clear();
        for (JsonNode secondary : project.path("secondaryArtifacts")) {
            String id = secondary.path("artifactIdentifier").asText("");
            if (id.isEmpty() || !identifiers.add(id)) {
                throw new InvalidInputException("Each secondary artifact needs a unique artifactIdentifier (got '" + id + "')");
            }
            checkArtifacts(secondary, "secondaryArtifacts." + id);
        }
        Set<String> names = new HashSet<>();
        for (JsonNode variable : project.path("environment").path("environmentVariables")) {
            String name = variable.path("name").asText();
            if (name.startsWith("CODEBUILD_")) {
                throw new InvalidInputException("Invalid environment variable name " + name + ": names starting with CODEBUILD_ are "
                        + "reserved");
            }
            if (!names.add(name)) {
                throw new InvalidInputException("Environment variable " + name + " is declared more than once");
            }
        }
        int timeout = project.path("timeoutInMinutes").asInt(60);
        if (timeout < 5 || timeout > 2160) {
            throw new InvalidInputException("timeoutInMinutes must be between 5 and 2160, not " + timeout);
        }
    }

    private static void checkArtifacts(JsonNode artifacts, String path) {
        String type = artifacts.path("type").asText();
        if ("S3".equals(type) && artifacts.path("location").asText("").isBlank()) {
            throw new InvalidInputException(path + ": an S3 artifact needs a location (the bucket)");
        }
    }

    /** The Project shape as the API returns it. */
    static ObjectNode render(ProjectRow row) {
        ObjectNode project = (ObjectNode) ConveyorJson.mapper().valueToTree(read(row.definitionJson()));
        project.set("created", Timestamps.epochSeconds(row.createdAt()));
        project.set("lastModified", Timestamps.epochSeconds(row.updatedAt()));
        return project;
    }

    static JsonNode read(String json) {
        try {
            return ConveyorJson.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void setIfMissing(ObjectNode node, String field, int value) {
        if (!node.has(field)) {
            node.put(field, value);
        }
    }
}
