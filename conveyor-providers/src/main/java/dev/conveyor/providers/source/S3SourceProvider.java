package dev.conveyor.providers.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Source/AWS/S3: the object {@code S3ObjectKey} in bucket {@code S3Bucket} (a zip) becomes the output artifact.
 * The object's version id is the revision; a StartPipelineExecution override (S3_OBJECT_VERSION_ID or
 * S3_OBJECT_KEY) picks another. Output variables as CodePipeline's: BucketName, ObjectKey, ETag, VersionId.
 */
public final class S3SourceProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Source", "AWS", "S3", "1");

    private final ObjectStore objects;

    public S3SourceProvider(ObjectStore objects) {
        this.objects = objects;
    }

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) {
        Map<String, String> config = job.configuration();
        String bucket = config.get("S3Bucket");
        String key = config.get("S3ObjectKey");
        String versionId = null;
        JsonNode override = job.sourceRevisionOverride();
        if (override != null) {
            switch (override.path("revisionType").asText()) {
                case "S3_OBJECT_VERSION_ID" -> versionId = override.path("revisionValue").asText();
                case "S3_OBJECT_KEY" -> key = override.path("revisionValue").asText();
                default -> {
                    return new JobOutcome.Failure("ConfigurationError", "An S3 source takes revision overrides of type "
                            + "S3_OBJECT_VERSION_ID or S3_OBJECT_KEY, not " + override.path("revisionType").asText(), null);
                }
            }
        }
        job.log().line("Reading s3://" + bucket + "/" + key + (versionId == null ? "" : " version " + versionId));
        Path zip = job.workspace().resolve("source.zip");
        ObjectVersion version;
        try (ObjectContent content = objects.getObject(bucket, key, versionId, null); InputStream in = content.stream()) {
            Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
            version = content.version();
        } catch (S3Exception e) {
            String message = "Could not read s3://" + bucket + "/" + key + ": " + e.getMessage();
            job.log().line(message);
            return new JobOutcome.Failure("RevisionUnavailable", message, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String artifactName = job.outputNames().getFirst();
        StoredArtifact stored = job.storeOutput(artifactName, zip);
        String etag = version.etag() == null ? "" : version.etag().replace("\"", "");
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("BucketName", bucket);
        variables.put("ObjectKey", key);
        variables.put("ETag", etag);
        variables.put("VersionId", version.versionId());
        job.log().line("Stored " + artifactName + " (" + stored.size() + " bytes, version " + version.versionId() + ")");
        String summary = "Amazon S3 version id: " + version.versionId();
        return new JobOutcome.Success(summary, version.versionId(), null, null, variables,
                List.of(new JobOutcome.ProducedArtifact(artifactName, stored.location())),
                new JobOutcome.CurrentRevision(version.versionId(), etag, version.lastModified(), summary, null), null);
    }
}
