package dev.conveyor.providers.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.providers.codebuild.reports.TestCaseResult;
import dev.conveyor.providers.codebuild.reports.TestReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of what a build and the server tell each other through a job's requests (see
 * {@link JobBuildCoordinator}): one encoding for each side, so the agent and the server cannot drift apart.
 * Requests are {@code {"type": …}} objects; a refused request is answered {@code {"error": {"code", "message"}}}.
 */
public final class BuildWire {
    public static final String START = "StartBuild";
    public static final String RESOLVE_SECRETS = "ResolveSecrets";
    public static final String PROGRESS = "BuildProgress";
    public static final String FINISH = "FinishBuild";
    public static final String ADD_TEST_CASES = "AddTestCases";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BuildWire() {
    }

    public static ObjectNode request(String type) {
        return NODES.objectNode().put("type", type);
    }

    public static ObjectNode error(String code, String message) {
        ObjectNode answer = NODES.objectNode();
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    /** Throws the error an answer carries, if it carries one. */
    static JsonNode checked(JsonNode answer) throws BuildFailure {
        if (answer.has("error")) {
            throw new BuildFailure(answer.path("error").path("code").asText("CLIENT_ERROR"), answer.path("error").path("message").asText());
        }
        return answer;
    }

    // ---- StartBuild

    public static ObjectNode start(BuildStart start) {
        ObjectNode node = NODES.objectNode();
        node.putObject("build").put("id", start.buildId()).put("arn", start.buildArn()).put("number", start.buildNumber())
                .put("initiator", start.initiator()).put("region", start.region()).put("logUrl", start.logUrl());
        node.set("project", start.project());
        node.set("variables", stringMap(start.variables()));
        ArrayNode secrets = node.putArray("secretValues");
        start.secretValues().forEach(secrets::add);
        node.set("sourceVersions", stringMap(start.sourceVersions()));
        return node;
    }

    public static BuildStart start(JsonNode node) {
        JsonNode build = node.path("build");
        List<String> secrets = new ArrayList<>();
        node.path("secretValues").forEach(s -> secrets.add(s.asText()));
        return new BuildStart(build.path("id").asText(), build.path("arn").asText(), build.path("number").asLong(),
                build.path("initiator").asText(), node.path("project"), stringMap(node.path("variables")), List.copyOf(secrets),
                stringMap(node.path("sourceVersions")), build.path("region").asText(), build.path("logUrl").asText(null));
    }

    // ---- snapshots

    public static ObjectNode snapshot(BuildSnapshot snapshot) {
        ObjectNode node = NODES.objectNode().put("status", snapshot.status()).put("currentPhase", snapshot.currentPhase());
        ArrayNode phases = node.putArray("phases");
        for (PhaseRecord p : snapshot.phases()) {
            ObjectNode phase = phases.addObject().put("type", p.type()).put("start", p.start().toEpochMilli());
            if (p.status() != null) {
                phase.put("status", p.status());
            }
            if (p.end() != null) {
                phase.put("end", p.end().toEpochMilli());
            }
            if (p.contextCode() != null) {
                phase.put("code", p.contextCode());
            }
            if (p.contextMessage() != null) {
                phase.put("message", p.contextMessage());
            }
        }
        node.set("exportedVariables", stringMap(snapshot.exportedVariables()));
        if (snapshot.resolvedSourceVersion() != null) {
            node.put("resolvedSourceVersion", snapshot.resolvedSourceVersion());
        }
        ArrayNode artifacts = node.putArray("artifacts");
        for (BuildResult.StagedArtifact a : snapshot.artifacts()) {
            ObjectNode artifact = artifacts.addObject().put("location", a.location());
            if (a.identifier() != null) {
                artifact.put("identifier", a.identifier());
            }
            if (a.sha256() != null) {
                artifact.put("sha256", a.sha256());
            }
        }
        if (snapshot.endTime() != null) {
            node.put("endTime", snapshot.endTime().toEpochMilli());
        }
        return node;
    }

    public static BuildSnapshot snapshot(JsonNode node) {
        List<PhaseRecord> phases = new ArrayList<>();
        for (JsonNode p : node.path("phases")) {
            phases.add(new PhaseRecord(p.path("type").asText(), p.path("status").asText(null), Instant.ofEpochMilli(p.path("start").asLong()),
                    p.has("end") ? Instant.ofEpochMilli(p.path("end").asLong()) : null, p.path("code").asText(null),
                    p.path("message").asText(null)));
        }
        List<BuildResult.StagedArtifact> artifacts = new ArrayList<>();
        for (JsonNode a : node.path("artifacts")) {
            artifacts.add(new BuildResult.StagedArtifact(a.path("identifier").asText(null), null, null, a.path("location").asText(),
                    a.path("sha256").asText(null)));
        }
        return new BuildSnapshot(node.path("status").asText(), node.path("currentPhase").asText(), List.copyOf(phases),
                stringMap(node.path("exportedVariables")), node.path("resolvedSourceVersion").asText(null), List.copyOf(artifacts),
                node.has("endTime") ? Instant.ofEpochMilli(node.path("endTime").asLong()) : null);
    }

    // ---- reports (their summaries; test cases travel separately, in chunks)

    public static ObjectNode reportSummary(TestReport report) {
        ObjectNode node = NODES.objectNode().put("group", report.group()).put("format", report.format()).put("status", report.status())
                .put("durationNanos", report.durationNanos()).put("truncated", report.truncated());
        ObjectNode counts = node.putObject("counts");
        report.counts().forEach(counts::put);
        ArrayNode problems = node.putArray("problems");
        report.problems().forEach(problems::add);
        return node;
    }

    /** A report summary read back; its test cases are empty (they come with AddTestCases). */
    public static TestReport reportSummary(JsonNode node) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        node.path("counts").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        List<String> problems = new ArrayList<>();
        node.path("problems").forEach(p -> problems.add(p.asText()));
        return new TestReport(node.path("group").asText(), node.path("format").asText(), node.path("status").asText(),
                Map.copyOf(counts), node.path("durationNanos").asLong(), List.of(), node.path("truncated").asBoolean(), List.copyOf(problems));
    }

    public static ObjectNode testCase(TestCaseResult c) {
        ObjectNode node = NODES.objectNode().put("name", c.name()).put("status", c.status()).put("durationNanos", c.durationNanos());
        if (c.prefix() != null) {
            node.put("prefix", c.prefix());
        }
        if (c.suiteName() != null) {
            node.put("suite", c.suiteName());
        }
        if (c.message() != null) {
            node.put("message", c.message());
        }
        if (c.rawDataPath() != null) {
            node.put("rawDataPath", c.rawDataPath());
        }
        return node;
    }

    public static TestCaseResult testCase(JsonNode node) {
        return new TestCaseResult(node.path("name").asText(), node.path("prefix").asText(null), node.path("suite").asText(null),
                node.path("status").asText(), node.path("durationNanos").asLong(), node.path("message").asText(null),
                node.path("rawDataPath").asText(null));
    }

    public static ObjectNode stringMap(Map<String, String> map) {
        ObjectNode node = NODES.objectNode();
        map.forEach(node::put);
        return node;
    }

    public static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
