package dev.conveyor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.ArtifactHistory;
import dev.conveyor.artifacts.ArtifactPlacement;
import dev.conveyor.artifacts.ArtifactStore;
import dev.conveyor.artifacts.ArtifactUse;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.artifacts.StoredArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Artifacts as a remote agent reaches them: through the server's S3 endpoint with the temporary credentials of the
 * job being run, which open only that job's inputs and outputs. Outputs go to the locations the job names; the
 * server records them (and the inputs consumed) when the agent reports the result.
 */
final class RemoteArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteArtifactStore.class);

    /**
     * Attempts of an input's download. The SDK retries a request that fails before its answer begins, but the
     * URL-connection client reads the answer's status line only when the body is first read: a replica killed while
     * serving the download (issue 19's failover, seen in ScaleOutTest) then ends the copy with "Unexpected end of file
     * from server", outside the SDK's retries. A GET of the same object can be made again; the next attempt reaches a
     * replica that is up.
     */
    static final int DOWNLOAD_ATTEMPTS = 4;

    private final HttpJobChannel channel;
    private final URI endpoint;
    private final String region;
    private final CaBundle trust;

    RemoteArtifactStore(HttpJobChannel channel, URI endpoint, String region, CaBundle trust) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.region = region;
        this.trust = trust;
    }

    private S3Client s3(HttpJobChannel.Credentials c) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.of(region)).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust::trustManagers).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                        c.secretAccessKey(), c.sessionToken())))
                .build();
    }

    @Override
    public StoredArtifact putArtifact(ArtifactPlacement placement, Path zipFile) {
        HttpJobChannel.HeldJob job = channel.heldJobOfAction(placement.actionExecutionId());
        JsonNode planned = null;
        for (JsonNode out : job.data().path("jobData").path("outputArtifacts")) {
            if (out.path("name").asText().equals(placement.artifactName())) {
                planned = out.path("location").path("s3Location");
            }
        }
        if (planned == null) {
            throw new IllegalStateException("the job names no output artifact " + placement.artifactName());
        }
        String bucket = planned.path("bucketName").asText();
        String key = planned.path("objectKey").asText();
        try (S3Client s3 = s3(job.credentials())) {
            PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key).contentType("application/zip");
            if (placement.encryptionKey() != null) {
                request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(placement.encryptionKey().id());
            }
            PutObjectResponse response = s3.putObject(request.build(), RequestBody.fromFile(zipFile));
            return new StoredArtifact(new S3Location(bucket, key, response.versionId()), placement.artifactName(), sha256(zipFile),
                    Files.size(zipFile), Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream openArtifact(S3Location location) {
        HttpJobChannel.HeldJob job = channel.heldJobReading(location.bucket(), location.key());
        S3Client s3 = s3(job.credentials());
        InputStream in = s3.getObject(r -> r.bucket(location.bucket()).key(location.key()));
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() throws IOException {
                super.close();
                s3.close();
            }
        };
    }

    @Override
    public void copyArtifact(S3Location location, Path target) {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = openArtifact(location)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (IOException | SdkClientException e) {
                if (attempt == DOWNLOAD_ATTEMPTS || e instanceof FileSystemException) {
                    throw e instanceof IOException io ? new UncheckedIOException(io) : (SdkClientException) e;
                }
                LOG.warn("download of s3://{}/{} failed (attempt {} of {}): {}; trying again", location.bucket(), location.key(),
                        attempt, DOWNLOAD_ATTEMPTS, e.toString());
                pause(Duration.ofMillis(250L * attempt));
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to download again", e);
        }
    }

    @Override
    public void recordConsumption(S3Location location, ArtifactUse use) {
        // Recorded by the server when the result comes in: the agent's credentials cannot write the audit trail.
    }

    @Override
    public ArtifactHistory history(S3Location location) {
        throw new UnsupportedOperationException("a remote agent does not read the artifact audit trail");
    }

    @Override
    public List<StoredArtifact> producedBy(String pipelineExecutionId) {
        throw new UnsupportedOperationException("a remote agent does not read the artifact audit trail");
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
