package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.JobRequestHandler;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.providers.codebuild.BuildStart;
import dev.conveyor.providers.codebuild.BuildWire;
import dev.conveyor.providers.codebuild.reports.TestCaseResult;
import dev.conveyor.providers.codebuild.reports.TestReport;
import dev.conveyor.server.secrets.SecretReferences;
import dev.conveyor.store.codebuild.BuildRow;
import dev.conveyor.store.codebuild.ProjectRepository;
import dev.conveyor.store.codebuild.ProjectRow;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a pipeline's CodeBuild action asks the server while it runs, on whichever agent: StartBuild (the project,
 * its variables and the action's with secrets resolved, a new build record), ResolveSecrets (a buildspec's
 * parameter-store and secrets-manager variables), BuildProgress, FinishBuild and AddTestCases (the build's record
 * and reports). Everything about the job is read from the job itself, never taken from the request, and a build can
 * only be reported on by the job that started it.
 */
final class PipelineBuildRequests implements JobRequestHandler {
    private final ProjectRepository projects;
    private final BuildRecorder recorder;
    private final EnvironmentResolver environment;
    private final SecretReferences secrets;
    private final ExecutionQueries queries;
    private final String region;
    private final Function<String, String> logUrl;

    /** @param logUrl the URL of a build's log, by build id */
    PipelineBuildRequests(ProjectRepository projects, BuildRecorder recorder, EnvironmentResolver environment, SecretReferences secrets,
                          ExecutionQueries queries, String region, Function<String, String> logUrl) {
        this.projects = projects;
        this.recorder = recorder;
        this.environment = environment;
        this.secrets = secrets;
        this.queries = queries;
        this.region = region;
        this.logUrl = logUrl;
    }

    @Override
    public JsonNode handle(JobRow job, JsonNode request) {
        String type = request.path("type").asText();
        if (type.equals(BuildWire.START)) {
            return start(job);
        }
        BuildRow build = recorder.find(request.path("buildId").asText()).orElse(null);
        if (build == null || !job.id().equals(build.jobId())) {
            return BuildWire.error("CLIENT_ERROR", "build " + request.path("buildId").asText() + " is not this job's build");
        }
        return switch (type) {
            case BuildWire.RESOLVE_SECRETS -> resolveSecrets(request);
            case BuildWire.PROGRESS -> {
                recorder.progress(build.id(), BuildWire.snapshot(request.path("snapshot")));
                yield BuildWire.request("ok");
            }
            case BuildWire.FINISH -> finish(build, request);
            case BuildWire.ADD_TEST_CASES -> addTestCases(build, request);
            default -> BuildWire.error("CLIENT_ERROR", "unknown request " + type);
        };
    }

    private JsonNode start(JobRow job) {
        JsonNode data = ProjectDefinitions.read(job.dataJson());
        JsonNode jobData = data.path("jobData");
        Map<String, String> configuration = new LinkedHashMap<>();
        jobData.path("actionConfiguration").path("configuration").properties().forEach(e -> configuration.put(e.getKey(), e.getValue().asText()));
        String projectName = configuration.getOrDefault("ProjectName", "");
        ProjectRow project = projects.find(CodeBuildArns.projectName(projectName)).orElse(null);
        if (project == null) {
            return BuildWire.error("ConfigurationError", "CodeBuild project '" + projectName + "' does not exist (the action's "
                    + "ProjectName); create it with aws codebuild create-project");
        }
        JsonNode definition = ProjectDefinitions.read(project.definitionJson());
        EnvironmentResolver.Resolved variables;
        ObjectNode effective = definition.deepCopy();
        try {
            JsonNode actionVariables = EnvironmentResolver.parseActionVariables(configuration.get("EnvironmentVariables"));
            variables = environment.resolve(List.of(definition.path("environment").path("environmentVariables"), actionVariables));
            ArrayNode merged = ConveyorJson.mapper().createArrayNode();
            definition.path("environment").path("environmentVariables").forEach(merged::add);
            actionVariables.forEach(merged::add);
            ((ObjectNode) effective.path("environment")).set("environmentVariables", merged);
        } catch (IllegalArgumentException e) {
            return BuildWire.error("ConfigurationError", "EnvironmentVariables of the action: " + e.getMessage());
        } catch (SecretReferences.UnresolvedException e) {
            return BuildWire.error("ConfigurationError", "Cannot resolve " + e.getMessage());
        }
        String pipelineName = jobData.path("pipelineContext").path("pipelineName").asText();
        String actionExecutionId = job.actionExecutionId();
        recorder.abandonEarlierBuildsOfJob(job.id(), actionExecutionId);
        String primary = configuration.getOrDefault("PrimarySource", "");
        if (primary.isBlank() && jobData.path("inputArtifacts").size() > 0) {
            primary = jobData.path("inputArtifacts").get(0).path("name").asText();
        }
        String sourceVersion = null;
        for (JsonNode input : jobData.path("inputArtifacts")) {
            if (input.path("name").asText().equals(primary)) {
                JsonNode s3 = input.path("location").path("s3Location");
                sourceVersion = "arn:aws:s3:::" + s3.path("bucketName").asText() + "/" + s3.path("objectKey").asText();
            }
        }
        BuildRow build = recorder.create(project, effective, "codepipeline/" + pipelineName, sourceVersion, actionExecutionId, job.id());
        return BuildWire.start(new BuildStart(build.id(), build.arn(), build.buildNumber(), build.initiator(), effective,
                variables.values(), variables.secretValues(), sourceRevisions(pipelineName, job.pipelineExecutionId()), region,
                logUrl.apply(build.id())));
    }

    /** The revisions of the execution's source artifacts (a commit id for git sources), by artifact name. */
    private Map<String, String> sourceRevisions(String pipelineName, String executionId) {
        Map<String, String> revisions = new LinkedHashMap<>();
        try {
            PipelineExecutionRow execution = queries.execution(pipelineName, executionId);
            if (execution.artifactRevisionsJson() != null) {
                for (JsonNode revision : ProjectDefinitions.read(execution.artifactRevisionsJson())) {
                    if (revision.hasNonNull("revisionId")) {
                        revisions.put(revision.path("name").asText(), revision.path("revisionId").asText());
                    }
                }
            }
        } catch (RuntimeException e) {
            // no revisions to tell: CODEBUILD_RESOLVED_SOURCE_VERSION stays empty
        }
        return revisions;
    }

    private JsonNode resolveSecrets(JsonNode request) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : BuildWire.stringMap(request.path("parameterStore")).entrySet()) {
                values.put(e.getKey(), secrets.parameter(e.getValue()));
            }
            for (Map.Entry<String, String> e : BuildWire.stringMap(request.path("secretsManager")).entrySet()) {
                values.put(e.getKey(), secrets.secret(e.getValue()));
            }
        } catch (SecretReferences.UnresolvedException e) {
            return BuildWire.error("SECRETS_ERROR", "env: " + e.getMessage());
        }
        ObjectNode answer = BuildWire.request("ok");
        answer.set("values", BuildWire.stringMap(values));
        return answer;
    }

    private JsonNode finish(BuildRow build, JsonNode request) {
        List<TestReport> reports = new ArrayList<>();
        request.path("reports").forEach(r -> reports.add(BuildWire.reportSummary(r)));
        List<String> arns = recorder.finish(build.id(), BuildWire.snapshot(request.path("snapshot")), reports);
        ObjectNode answer = BuildWire.request("ok");
        arns.forEach(answer.putArray("reportArns")::add);
        return answer;
    }

    private JsonNode addTestCases(BuildRow build, JsonNode request) {
        String reportArn = request.path("reportArn").asText();
        boolean ours = false;
        for (JsonNode arn : ProjectDefinitions.read(build.documentJson()).path("reportArns")) {
            ours |= arn.asText().equals(reportArn);
        }
        if (!ours) {
            return BuildWire.error("CLIENT_ERROR", "report " + reportArn + " is not this build's");
        }
        List<TestCaseResult> cases = new ArrayList<>();
        request.path("cases").forEach(c -> cases.add(BuildWire.testCase(c)));
        recorder.addTestCases(reportArn, request.path("firstSeq").asInt(), cases);
        return BuildWire.request("ok");
    }
}
