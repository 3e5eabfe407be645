package dev.conveyor.server.conditions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.engine.rules.RuleProvider;
import dev.conveyor.engine.rules.RuleRun;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.server.protocol.RequestContext;
import java.time.Duration;
import java.time.Instant;

/**
 * The CodeBuild rule: starts a build of project {@code ProjectName} on this server's CodeBuild (StartBuild, with the
 * rule's first input artifact as its S3 source when it has one), then looks at it (BatchGetBuilds) until it ends: the
 * rule succeeds when the build does and fails with the build's status otherwise. The build id is kept between looks,
 * so a restart goes on watching the same build.
 */
final class CodeBuildRule implements RuleProvider {
    static final Duration POLL = Duration.ofSeconds(2);
    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final JsonService codeBuild;

    CodeBuildRule(JsonService codeBuild) {
        this.codeBuild = codeBuild;
    }

    @Override
    public String provider() {
        return "CodeBuild";
    }

    private JsonNode call(String operation, JsonNode input) {
        JsonOperation handler = codeBuild.operations().get(operation);
        return handler.handle(input, new RequestContext("rule-" + operation, Caller.ANONYMOUS, Instant.now()));
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        String project = run.configuration().get("ProjectName");
        if (project == null) {
            return RuleOutcome.configurationError("The CodeBuild rule needs ProjectName");
        }
        String buildId = run.state();
        try {
            if (buildId == null) {
                ObjectNode start = mapper.createObjectNode().put("projectName", project);
                if (!run.inputArtifacts().isEmpty()) {
                    S3Location source = run.inputArtifacts().values().iterator().next();
                    start.put("sourceTypeOverride", "S3").put("sourceLocationOverride", source.bucket() + "/" + source.key());
                }
                buildId = call("StartBuild", start).path("build").path("id").asText();
                return new RuleOutcome.Waiting(run.now().plus(POLL), "Build " + buildId + " started", buildId, buildId, null);
            }
            ObjectNode get = mapper.createObjectNode();
            get.putArray("ids").add(buildId);
            JsonNode build = call("BatchGetBuilds", get).path("builds").path(0);
            String status = build.path("buildStatus").asText("IN_PROGRESS");
            return switch (status) {
                case "SUCCEEDED" -> new RuleOutcome.Succeeded("Build " + buildId + " succeeded", buildId, null);
                case "IN_PROGRESS" -> new RuleOutcome.Waiting(run.now().plus(POLL), "Build " + buildId + " is in progress", buildId, buildId, null);
                default -> new RuleOutcome.Failed("JobFailed", "Build " + buildId + " of project " + project + " ended " + status, buildId, null);
            };
        } catch (RuntimeException e) {
            return RuleOutcome.configurationError("Cannot build project " + project + ": " + e.getMessage());
        }
    }
}
