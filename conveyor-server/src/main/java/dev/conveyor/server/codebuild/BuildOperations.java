package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.providers.codebuild.BuildStart;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.secrets.SecretReferences;
import dev.conveyor.store.Page;
import dev.conveyor.store.codebuild.BuildRepository;
import dev.conveyor.store.codebuild.BuildRow;
import dev.conveyor.store.codebuild.ProjectRepository;
import dev.conveyor.store.codebuild.ProjectRow;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * StartBuild, StopBuild, BatchGetBuilds, ListBuilds and ListBuildsForProject. StartBuild applies the request's
 * overrides to the project, resolves its variables, records the build and runs it here (see {@link ServerBuilds});
 * StopBuild stops a build wherever it runs: here at once, on an agent by failing its pipeline job, which the agent
 * notices at its next lease renewal and answers by killing the build's processes.
 */
final class BuildOperations {
    private final ProjectRepository projects;
    private final BuildRepository builds;
    private final BuildRecorder recorder;
    private final EnvironmentResolver environment;
    private final ServerBuilds serverBuilds;
    private final ObjectStore objects;
    private final ExecutionEngine engine;
    private final String region;
    private final Function<String, String> logUrl;

    BuildOperations(ProjectRepository projects, BuildRepository builds, BuildRecorder recorder, EnvironmentResolver environment,
                    ServerBuilds serverBuilds, ObjectStore objects, ExecutionEngine engine, String region, Function<String, String> logUrl) {
        this.projects = projects;
        this.builds = builds;
        this.recorder = recorder;
        this.environment = environment;
        this.serverBuilds = serverBuilds;
        this.objects = objects;
        this.engine = engine;
        this.region = region;
        this.logUrl = logUrl;
    }

    Map<String, JsonOperation> operations() {
        return Map.of(
                "StartBuild", this::start,
                "StopBuild", this::stop,
                "BatchGetBuilds", this::batchGet,
                "ListBuilds", this::list,
                "ListBuildsForProject", this::listForProject);
    }

    JsonNode start(JsonNode input, RequestContext context) {
        String name = CodeBuildArns.projectName(input.get("projectName").asText());
        ProjectRow project = projects.find(name).orElseThrow(() -> ProjectOperations.notFound(name));
        ObjectNode effective = withOverrides((ObjectNode) ProjectDefinitions.read(project.definitionJson()), input);
        ProjectDefinitions.check(effective);
        if ("CODEPIPELINE".equals(effective.path("source").path("type").asText())) {
            throw new InvalidInputException("Project " + name + " has a CODEPIPELINE source: only a pipeline can build it (or start it "
                    + "with --source-type-override and --buildspec-override)");
        }
        EnvironmentResolver.Resolved variables;
        try {
            variables = environment.resolve(List.of(effective.path("environment").path("environmentVariables")));
        } catch (SecretReferences.UnresolvedException e) {
            throw new InvalidInputException("Cannot resolve " + e.getMessage());
        }
        String initiator = context.caller() == null ? "anonymous" : context.caller().initiator();
        BuildRow build = recorder.create(project, effective, initiator, effective.path("sourceVersion").asText(null), null, null);
        BuildStart start = new BuildStart(build.id(), build.arn(), build.buildNumber(), initiator, effective, variables.values(),
                variables.secretValues(), Map.of(), region, logUrl.apply(build.id()));
        serverBuilds.run(build, start, new ArtifactUploads(effective, objects));
        return build(build);
    }

    /** The project as StartBuild's overrides change it for this build. */
    private static ObjectNode withOverrides(ObjectNode project, JsonNode input) {
        ObjectNode source = (ObjectNode) project.path("source");
        ObjectNode environmentNode = (ObjectNode) project.path("environment");
        copy(input, "sourceTypeOverride", source, "type");
        copy(input, "sourceLocationOverride", source, "location");
        copy(input, "buildspecOverride", source, "buildspec");
        copy(input, "sourceVersion", project, "sourceVersion");
        copy(input, "environmentTypeOverride", environmentNode, "type");
        copy(input, "imageOverride", environmentNode, "image");
        copy(input, "computeTypeOverride", environmentNode, "computeType");
        copy(input, "privilegedModeOverride", environmentNode, "privilegedMode");
        copy(input, "timeoutInMinutesOverride", project, "timeoutInMinutes");
        copy(input, "artifactsOverride", project, "artifacts");
        copy(input, "secondaryArtifactsOverride", project, "secondaryArtifacts");
        copy(input, "cacheOverride", project, "cache");
        copy(input, "serviceRoleOverride", project, "serviceRole");
        if (input.has("environmentVariablesOverride")) {
            ArrayNode merged = ConveyorJson.mapper().createArrayNode();
            java.util.Set<String> overridden = new java.util.HashSet<>();
            input.get("environmentVariablesOverride").forEach(v -> overridden.add(v.path("name").asText()));
            for (JsonNode v : environmentNode.path("environmentVariables")) {
                if (!overridden.contains(v.path("name").asText())) {
                    merged.add(v);
                }
            }
            for (JsonNode v : input.get("environmentVariablesOverride")) {
                ObjectNode copy = v.deepCopy();
                if (!copy.has("type")) {
                    copy.put("type", "PLAINTEXT");
                }
                merged.add(copy);
            }
            environmentNode.set("environmentVariables", merged);
        }
        if ("NO_SOURCE".equals(source.path("type").asText())) {
            source.remove("location");
        }
        return project;
    }

    private static void copy(JsonNode input, String from, ObjectNode target, String to) {
        if (input.has(from)) {
            target.set(to, input.get(from).deepCopy());
        }
    }

    JsonNode stop(JsonNode input, RequestContext context) {
        String id = CodeBuildArns.buildId(input.get("id").asText());
        BuildRow build = recorder.find(id).orElseThrow(() -> notFound(id));
        if (!build.complete()) {
            recorder.stop(id);
            if (build.jobId() != null) {
                try {
                    engine.completeJob(build.jobId(), new JobOutcome.Failure("JobFailed", "Build " + id + " was stopped (StopBuild)", id));
                } catch (ServiceException e) {
                    // the action had ended already: nothing more to stop
                }
            } else {
                serverBuilds.stop(id);
            }
        }
        return build(recorder.find(id).orElseThrow());
    }

    JsonNode batchGet(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        ArrayNode found = out.putArray("builds");
        ArrayNode missing = out.putArray("buildsNotFound");
        for (JsonNode id : input.get("ids")) {
            recorder.find(CodeBuildArns.buildId(id.asText())).ifPresentOrElse(b -> found.add(render(b)), () -> missing.add(id.asText()));
        }
        return out;
    }

    JsonNode list(JsonNode input, RequestContext context) {
        return ids(null, input);
    }

    JsonNode listForProject(JsonNode input, RequestContext context) {
        String name = CodeBuildArns.projectName(input.get("projectName").asText());
        projects.find(name).orElseThrow(() -> new ResourceNotFoundException("The provided project name does not exist: " + name));
        return ids(name, input);
    }

    private JsonNode ids(String projectName, JsonNode input) {
        String listing = "builds:" + (projectName == null ? "" : projectName) + ":" + input.path("sortOrder").asText("");
        Page<String> page = builds.ids(projectName, Paging.ascending(input.path("sortOrder").asText(null), false), Paging.DEFAULT_PAGE,
                Paging.key(listing, input.path("nextToken").asText(null)));
        ObjectNode out = object();
        page.items().forEach(out.putArray("ids")::add);
        if (page.nextKey() != null) {
            out.put("nextToken", Paging.token(listing, page.nextKey()));
        }
        return out;
    }

    private ObjectNode build(BuildRow row) {
        ObjectNode out = object();
        out.set("build", render(row));
        return out;
    }

    private ObjectNode render(BuildRow row) {
        return BuildDocuments.render(ProjectDefinitions.read(row.documentJson()), logUrl.apply(row.id()));
    }

    private static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("Build not found: " + id);
    }

    private static ObjectNode object() {
        return ConveyorJson.mapper().createObjectNode();
    }
}
