package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.providers.codebuild.ArtifactSink;
import dev.conveyor.providers.codebuild.BuildFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where the artifacts of a build the server runs itself go, as its project says: an S3 artifact is put in a bucket
 * of this server at {@code path/[build id/]name}, zipped (packaging ZIP) or file by file under that prefix
 * (NONE); NO_ARTIFACTS keeps nothing. Secondary artifacts follow the same rules, by identifier.
 */
final class ArtifactUploads {
    private final JsonNode project;
    private final ObjectStore objects;

    ArtifactUploads(JsonNode project, ObjectStore objects) {
        this.project = project;
        this.objects = objects;
    }

    /** What to lay out: null for the primary artifact, then each S3 secondary artifact's identifier. */
    List<String> identifiers() {
        List<String> identifiers = new ArrayList<>();
        if ("S3".equals(project.path("artifacts").path("type").asText())) {
            identifiers.add(null);
        }
        for (JsonNode secondary : project.path("secondaryArtifacts")) {
            if ("S3".equals(secondary.path("type").asText())) {
                identifiers.add(secondary.path("artifactIdentifier").asText());
            }
        }
        return identifiers;
    }

    ArtifactSink sink(String buildId, Consumer<String> log) {
        return (identifier, buildspecName, directory) -> {
            JsonNode spec = spec(identifier);
            String bucket = spec.path("location").asText();
            String name = spec.path("overrideArtifactName").asBoolean(false) && buildspecName != null ? buildspecName
                    : spec.path("name").asText(project.path("name").asText());
            StringBuilder key = new StringBuilder();
            String path = spec.path("path").asText("");
            if (!path.isBlank()) {
                key.append(path.replaceAll("^/+|/+$", "")).append('/');
            }
            if ("BUILD_ID".equals(spec.path("namespaceType").asText())) {
                key.append(ServerBuilds.uuidOf(buildId)).append('/');
            }
            key.append(name);
            try {
                if ("NONE".equals(spec.path("packaging").asText())) {
                    int count = 0;
                    try (Stream<Path> files = Files.walk(directory)) {
                        for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                            put(bucket, key + "/" + directory.relativize(file).toString().replace('\\', '/'), file);
                            count++;
                        }
                    }
                    log.accept("[Container] Uploaded " + count + " files to s3://" + bucket + "/" + key + "/");
                    return new ArtifactSink.Uploaded("arn:aws:s3:::" + bucket + "/" + key, null);
                }
                Path zip = directory.resolveSibling(directory.getFileName() + ".zip");
                ZipArchives.zip(directory, zip);
                ObjectVersion version = put(bucket, key.toString(), zip);
                Files.delete(zip);
                return new ArtifactSink.Uploaded("arn:aws:s3:::" + bucket + "/" + key, version.sha256());
            } catch (S3Exception e) {
                throw new BuildFailure("CLIENT_ERROR", "cannot upload the artifact to s3://" + bucket + "/" + key + ": " + e.getMessage());
            }
        };
    }

    private JsonNode spec(String identifier) {
        if (identifier == null) {
            return project.path("artifacts");
        }
        for (JsonNode secondary : project.path("secondaryArtifacts")) {
            if (identifier.equals(secondary.path("artifactIdentifier").asText())) {
                return secondary;
            }
        }
        throw new IllegalStateException("no secondary artifact " + identifier);
    }

    private ObjectVersion put(String bucket, String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return objects.putObject(bucket, key, ObjectWrite.plain().withLength(Files.size(file)), in);
        }
    }
}
