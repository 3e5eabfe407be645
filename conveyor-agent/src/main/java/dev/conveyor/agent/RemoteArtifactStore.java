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
     * Attempts of an artifact's transfer, an input's download or an output's upload. The SDK retries a request whose
     * answer fails to arrive, but not two failures of its URL-connection client: a connection lost while a PUT waits for
     * the go-ahead to send its body ("Expect: 100-continue") comes out as an {@link UncheckedIOException} the SDK
     * passes through, and a body cut midway fails the copy after the SDK has returned. A replica killed behind the load
     * balancer while it serves the transfer (issue 19's failover, seen in ScaleOutTest as "Unexpected end of file from
     * server") causes either. A GET of the same object can be made again; so can the PUT of an output, whose key is the
     * job's own and whose version is the one the answering attempt returns (an attempt whose answer was lost may leave
     * a version no execution records). The next attempt reaches a replica that is up.
     */
    static final int TRANSFER_ATTEMPTS = 4;

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
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key).contentType("application/zip");
        if (placement.encryptionKey() != null) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(placement.encryptionKey().id());
        }
        try (S3Client s3 = s3(job.credentials())) {
            PutObjectResponse response = withAttempts("upload to s3://" + bucket + "/" + key,
                    () -> s3.putObject(request.build(), RequestBody.fromFile(zipFile)));
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
        withAttempts("download of s3://" + location.bucket() + "/" + location.key(), () -> {
            try (InputStream in = openArtifact(location)) {
                return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    private interface Transfer<T> {
        T run() throws IOException;
    }

    /**
     * Runs a transfer up to {@link #TRANSFER_ATTEMPTS} times while it fails on the network, pausing a little longer
     * each time; a failure of this host's file system is not the network's and is not tried again.
     */
    private static <T> T withAttempts(String what, Transfer<T> transfer) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transfer.run();
            } catch (IOException | UncheckedIOException | SdkClientException e) {
                if (attempt == TRANSFER_ATTEMPTS || causedByFileSystem(e)) {
                    throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                }
                LOG.warn("{} failed (attempt {} of {}): {}; trying again", what, attempt, TRANSFER_ATTEMPTS, e.toString());
                pause(Duration.ofMillis(250L * attempt));
            }
        }
    }

    private static boolean causedByFileSystem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException) {
                return true;
            }
        }
        return false;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to transfer an artifact again", e);
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
