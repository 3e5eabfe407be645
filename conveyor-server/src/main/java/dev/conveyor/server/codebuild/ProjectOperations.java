package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.store.Page;
import dev.conveyor.store.codebuild.ProjectRepository;
import dev.conveyor.store.codebuild.ProjectRow;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** CreateProject, UpdateProject, DeleteProject, BatchGetProjects and ListProjects. */
final class ProjectOperations {
    private final ProjectRepository projects;
    private final ProjectDefinitions definitions;
    private final CodeBuildArns arns;
    private final Clock clock;

    ProjectOperations(ProjectRepository projects, ProjectDefinitions definitions, CodeBuildArns arns, Clock clock) {
        this.projects = projects;
        this.definitions = definitions;
        this.arns = arns;
        this.clock = clock;
    }

    Map<String, JsonOperation> operations() {
        return Map.of(
                "CreateProject", this::create,
                "UpdateProject", this::update,
                "DeleteProject", this::delete,
                "BatchGetProjects", this::batchGet,
                "ListProjects", this::list);
    }

    JsonNode create(JsonNode input, RequestContext context) {
        ObjectNode definition = definitions.create(input);
        String name = definition.get("name").asText();
        Instant now = clock.instant();
        if (!projects.create(new ProjectRow(name, arns.project(name), definition.toString(), 0, now, now))) {
            throw new ResourceAlreadyExistsException("Project already exists: " + arns.project(name));
        }
        return project(projects.find(name).orElseThrow());
    }

    JsonNode update(JsonNode input, RequestContext context) {
        String name = CodeBuildArns.projectName(input.get("name").asText());
        ProjectRow row = projects.find(name).orElseThrow(() -> notFound(name));
        ObjectNode definition = definitions.update(ProjectDefinitions.read(row.definitionJson()), input);
        projects.update(name, definition.toString(), clock.instant());
        return project(projects.find(name).orElseThrow());
    }

    JsonNode delete(JsonNode input, RequestContext context) {
        projects.delete(CodeBuildArns.projectName(input.get("name").asText()));
        return object();
    }

    JsonNode batchGet(JsonNode input, RequestContext context) {
        ObjectNode out = object();
        ArrayNode found = out.putArray("projects");
        ArrayNode missing = out.putArray("projectsNotFound");
        for (JsonNode name : input.get("names")) {
            projects.find(CodeBuildArns.projectName(name.asText())).ifPresentOrElse(
                    row -> found.add(ProjectDefinitions.render(row)), () -> missing.add(name.asText()));
        }
        return out;
    }

    JsonNode list(JsonNode input, RequestContext context) {
        ProjectRepository.SortBy sortBy = ProjectRepository.SortBy.valueOf(input.path("sortBy").asText("NAME"));
        String listing = "projects:" + sortBy + ":" + input.path("sortOrder").asText("");
        Page<String> page = projects.names(sortBy, Paging.ascending(input.path("sortOrder").asText(null), true), Paging.DEFAULT_PAGE,
                Paging.key(listing, input.path("nextToken").asText(null)));
        ObjectNode out = object();
        page.items().forEach(out.putArray("projects")::add);
        if (page.nextKey() != null) {
            out.put("nextToken", Paging.token(listing, page.nextKey()));
        }
        return out;
    }

    private static ObjectNode project(ProjectRow row) {
        ObjectNode out = object();
        out.set("project", ProjectDefinitions.render(row));
        return out;
    }

    static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("Project cannot be found: " + name);
    }

    private static ObjectNode object() {
        return ConveyorJson.mapper().createObjectNode();
    }
}
