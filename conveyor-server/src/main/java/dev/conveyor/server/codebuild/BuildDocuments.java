package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.providers.codebuild.BuildResult;
import dev.conveyor.providers.codebuild.BuildSnapshot;
import dev.conveyor.providers.codebuild.PhaseRecord;
import dev.conveyor.server.protocol.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Build document: created when a build starts, brought up to date from the snapshots its runner reports, and
 * rendered as the API's Build shape. Stored with epoch-millisecond times (exact in JSON), rendered with CodeBuild's
 * epoch-second timestamps.
 */
final class BuildDocuments {
    static final List<String> TIME_FIELDS = List.of("startTime", "endTime");

    private BuildDocuments() {
    }

    /** A new build of {@code project} (the project as this build sees it, overrides applied). */
    static ObjectNode create(String id, String arn, long number, JsonNode project, String initiator, String sourceVersion,
                             Instant start) {
        ObjectNode doc = ConveyorJson.mapper().createObjectNode();
        doc.put("id", id).put("arn", arn).put("buildNumber", number).put("startTime", start.toEpochMilli())
                .put("currentPhase", "SUBMITTED").put("buildStatus", "IN_PROGRESS").put("projectName", project.path("name").asText());
        if (sourceVersion != null) {
            doc.put("sourceVersion", sourceVersion);
        }
        doc.putArray("phases");
        for (String member : List.of("source", "secondarySources", "secondarySourceVersions", "cache", "environment", "serviceRole",
                "timeoutInMinutes", "queuedTimeoutInMinutes", "encryptionKey", "vpcConfig", "fileSystemLocations")) {
            if (project.has(member)) {
                doc.set(member, project.get(member).deepCopy());
            }
        }
        doc.putObject("artifacts").put("location", "");
        doc.putArray("secondaryArtifacts");
        String stream = id.substring(id.indexOf(':') + 1);
        doc.putObject("logs").put("groupName", "/aws/codebuild/" + project.path("name").asText()).put("streamName", stream);
        doc.put("buildComplete", false).put("initiator", initiator);
        doc.putArray("exportedEnvironmentVariables");
        doc.putArray("reportArns");
        return doc;
    }

    /** Brings the document up to date with a snapshot of the running (or finished) build. */
    static void apply(ObjectNode doc, BuildSnapshot snapshot) {
        ArrayNode phases = doc.putArray("phases");
        for (PhaseRecord p : snapshot.phases()) {
            ObjectNode phase = phases.addObject().put("phaseType", p.type()).put("startTime", p.start().toEpochMilli());
            if (p.status() != null) {
                phase.put("phaseStatus", p.status());
            }
            if (p.end() != null) {
                phase.put("endTime", p.end().toEpochMilli()).put("durationInSeconds", p.durationSeconds());
                ArrayNode contexts = phase.putArray("contexts");
                contexts.addObject().put("statusCode", p.contextCode() == null ? "" : p.contextCode())
                        .put("message", p.contextMessage() == null ? "" : p.contextMessage());
            }
        }
        doc.put("currentPhase", snapshot.currentPhase());
        if (snapshot.resolvedSourceVersion() != null) {
            doc.put("resolvedSourceVersion", snapshot.resolvedSourceVersion());
        }
        if (!snapshot.complete()) {
            return;
        }
        doc.put("buildStatus", snapshot.status()).put("buildComplete", true)
                .put("endTime", (snapshot.endTime() == null ? Instant.now() : snapshot.endTime()).toEpochMilli());
        ArrayNode exported = doc.putArray("exportedEnvironmentVariables");
        for (Map.Entry<String, String> v : snapshot.exportedVariables().entrySet()) {
            exported.addObject().put("name", v.getKey()).put("value", v.getValue());
        }
        ArrayNode secondary = doc.putArray("secondaryArtifacts");
        for (BuildResult.StagedArtifact a : snapshot.artifacts()) {
            ObjectNode artifact = a.identifier() == null ? doc.putObject("artifacts") : secondary.addObject().put("artifactIdentifier", a.identifier());
            artifact.put("location", a.location());
            if (a.sha256() != null) {
                artifact.put("sha256sum", a.sha256());
            }
        }
    }

    /** Ends a build that was stopped from outside: its running phase STOPPED, then COMPLETED. */
    static void stop(ObjectNode doc, Instant now) {
        ArrayNode phases = (ArrayNode) doc.path("phases");
        if (!phases.isEmpty()) {
            ObjectNode last = (ObjectNode) phases.get(phases.size() - 1);
            if (!last.has("endTime")) {
                long start = last.path("startTime").asLong(now.toEpochMilli());
                last.put("phaseStatus", "STOPPED").put("endTime", now.toEpochMilli())
                        .put("durationInSeconds", (now.toEpochMilli() - start) / 1000);
                last.putArray("contexts").addObject().put("statusCode", "BUILD_STOPPED").put("message", "The build was stopped");
            }
        }
        phases.addObject().put("phaseType", "COMPLETED").put("startTime", now.toEpochMilli());
        doc.put("currentPhase", "COMPLETED").put("buildStatus", "STOPPED").put("buildComplete", true).put("endTime", now.toEpochMilli());
    }

    /** Ends a build whose runner vanished (its agent or server died) with the status given. */
    static void abandon(ObjectNode doc, String status, String message, Instant now) {
        stop(doc, now);
        doc.put("buildStatus", status);
        ArrayNode phases = (ArrayNode) doc.path("phases");
        for (JsonNode phase : phases) {
            if ("STOPPED".equals(phase.path("phaseStatus").asText()) && phase.path("contexts").path(0).path("statusCode").asText().equals("BUILD_STOPPED")) {
                ((ObjectNode) phase).put("phaseStatus", status);
                ((ObjectNode) phase).putArray("contexts").addObject().put("statusCode", "CLIENT_ERROR").put("message", message);
            }
        }
    }

    static void addReportArns(ObjectNode doc, List<String> arns) {
        ArrayNode list = doc.has("reportArns") ? (ArrayNode) doc.get("reportArns") : doc.putArray("reportArns");
        arns.forEach(list::add);
    }

    /** The API's Build shape, with the log's address under {@code endpoint}. */
    static ObjectNode render(JsonNode stored, String logUrl) {
        ObjectNode doc = stored.deepCopy();
        for (String field : TIME_FIELDS) {
            if (doc.has(field)) {
                doc.set(field, Timestamps.epochSeconds(Instant.ofEpochMilli(doc.get(field).asLong())));
            }
        }
        for (JsonNode phase : doc.path("phases")) {
            for (String field : TIME_FIELDS) {
                if (phase.has(field)) {
                    ((ObjectNode) phase).set(field, Timestamps.epochSeconds(Instant.ofEpochMilli(phase.get(field).asLong())));
                }
            }
        }
        if (logUrl != null) {
            ((ObjectNode) doc.path("logs")).put("deepLink", logUrl);
        }
        return doc;
    }
}
