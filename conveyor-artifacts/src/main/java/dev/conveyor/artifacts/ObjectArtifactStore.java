package dev.conveyor.artifacts;

import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.store.ArtifactRepository;
import dev.conveyor.store.ArtifactRow;
import dev.conveyor.store.ArtifactUseRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ArtifactStore} over any {@link ObjectStore}: each artifact is an object version in the pipeline's
 * artifact bucket (created, with versioning, on first use) under CodePipeline's key layout
 * {@code <pipeline name, first 20 chars>/<artifact name, first 10 chars>/<7 random alphanumerics>}, and its audit
 * trail is in the database.
 */
public final class ObjectArtifactStore implements ArtifactStore {
    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BUFFER = 256 * 1024;

    private final ObjectStore objects;
    private final ArtifactRepository artifacts;
    private final Clock clock;
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    public ObjectArtifactStore(ObjectStore objects, ArtifactRepository artifacts, Clock clock) {
        this.objects = objects;
        this.artifacts = artifacts;
        this.clock = clock;
    }

    /** The object store artifacts are kept in (the one the S3 endpoint serves). */
    public ObjectStore objects() {
        return objects;
    }

    /** A new key for an artifact, laid out as CodePipeline lays them out. */
    public static String keyFor(String pipelineName, String artifactName) {
        char[] random = new char[7];
        for (int i = 0; i < random.length; i++) {
            random[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
        }
        return truncate(pipelineName, 20) + "/" + truncate(artifactName, 10) + "/" + new String(random);
    }

    @Override
    public StoredArtifact putArtifact(ArtifactPlacement placement, Path zipFile) {
        try {
            return put(placement, zipFile);
        } catch (S3Exception e) {
            if (e.code() != S3ErrorCode.NoSuchBucket) {
                throw e;
            }
            knownBuckets.remove(placement.bucket()); // deleted behind our back (through the S3 endpoint): create it again
            return put(placement, zipFile);
        }
    }

    private StoredArtifact put(ArtifactPlacement placement, Path zipFile) {
        ensureBucket(placement.bucket());
        String key = keyFor(placement.pipelineName(), placement.artifactName());
        String encryptionKey = placement.encryptionKey() == null ? null : placement.encryptionKey().id();
        try (InputStream file = Files.newInputStream(zipFile)) {
            long size = Files.size(zipFile);
            ObjectVersion version = objects.putObject(placement.bucket(), key,
                    new ObjectWrite(size, "application/zip", Map.of(), encryptionKey, null, null), file);
            // Both object stores record the sha256 of what they were given as the version's.
            ArtifactRow row = artifacts.insert(placement.bucket(), key, version.versionId(), placement.artifactName(),
                    Objects.requireNonNull(version.sha256(), "the object store recorded no sha256"), version.size(), producer(placement));
            return stored(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store artifact " + placement.artifactName() + " from " + zipFile, e);
        }
    }

    /**
     * Records an object a job worker uploaded itself (through the S3 endpoint) as an output artifact of the
     * placement's action. Its content is read once to record its sha256.
     */
    public StoredArtifact registerArtifact(ArtifactPlacement placement, S3Location location) {
        try (ObjectContent content = objects.getObject(location.bucket(), location.key(), location.versionId(), null)) {
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(content.stream(), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            ArtifactRow row = artifacts.insert(location.bucket(), location.key(), content.version().versionId(),
                    placement.artifactName(), HexFormat.of().formatHex(sha.digest()), content.version().size(), producer(placement));
            return stored(row);
        } catch (S3Exception e) {
            throw notFound(location, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    @Override
    public InputStream openArtifact(S3Location location) {
        Optional<ArtifactRow> row = find(location);
        String versionId = location.versionId() != null ? location.versionId() : row.map(ArtifactRow::versionId).orElse(null);
        ObjectContent content;
        try {
            content = objects.getObject(location.bucket(), location.key(), versionId, null);
        } catch (S3Exception e) {
            throw notFound(location, e);
        }
        String expected = row.map(ArtifactRow::sha256).orElse(content.version().sha256());
        if (expected == null || objects.verifiesReads()) {
            return content.stream();
        }
        // Content kept elsewhere (an external S3 service) is checked against the sha256 recorded when it was stored.
        return new Sha256VerifyingInputStream(content.stream(), expected, -1, "artifact " + location);
    }

    @Override
    public void copyArtifact(S3Location location, Path target) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".artifact-", ".tmp");
            try {
                try (InputStream in = openArtifact(location); OutputStream out = Files.newOutputStream(temp)) {
                    byte[] buffer = new byte[BUFFER];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, n);
                    }
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + location + " to " + target, e);
        }
    }

    @Override
    public void recordConsumption(S3Location location, ArtifactUse use) {
        ArtifactRow row = find(location).orElseThrow(() -> new ArtifactNotFoundException(location));
        artifacts.recordConsumption(row.id(), new ArtifactUseRow(use.pipelineName(), use.pipelineExecutionId(), use.stageName(),
                use.actionName(), use.actionExecutionId(), clock.instant()));
    }

    @Override
    public ArtifactHistory history(S3Location location) {
        ArtifactRow row = find(location).orElseThrow(() -> new ArtifactNotFoundException(location));
        List<ArtifactUse> consumers = artifacts.consumers(row.id()).stream().map(ObjectArtifactStore::use).toList();
        return new ArtifactHistory(stored(row), use(row.producer()), consumers);
    }

    @Override
    public List<StoredArtifact> producedBy(String pipelineExecutionId) {
        return artifacts.producedBy(pipelineExecutionId).stream().map(ObjectArtifactStore::stored).toList();
    }

    private Optional<ArtifactRow> find(S3Location location) {
        return location.versionId() == null ? artifacts.newest(location.bucket(), location.key())
                : artifacts.find(location.bucket(), location.key(), location.versionId());
    }

    private void ensureBucket(String bucket) {
        if (knownBuckets.contains(bucket)) {
            return;
        }
        try {
            objects.headBucket(bucket);
        } catch (S3Exception e) {
            if (e.code() != S3ErrorCode.NoSuchBucket) {
                throw e;
            }
            try {
                objects.createBucket(bucket);
            } catch (S3Exception raced) {
                if (raced.code() != S3ErrorCode.BucketAlreadyOwnedByYou) {
                    throw raced;
                }
            }
            try {
                objects.setVersioning(bucket, true);
            } catch (S3Exception unversionable) {
                if (unversionable.code() != S3ErrorCode.NotImplemented) {
                    throw unversionable;
                }
                // A store without versioning (S3Proxy's filesystem backend, issue 19): artifacts are version null there.
            }
        }
        knownBuckets.add(bucket);
    }

    private ArtifactUseRow producer(ArtifactPlacement p) {
        return new ArtifactUseRow(p.pipelineName(), p.pipelineExecutionId(), p.stageName(), p.actionName(), p.actionExecutionId(),
                clock.instant());
    }

    private static StoredArtifact stored(ArtifactRow row) {
        return new StoredArtifact(new S3Location(row.bucket(), row.key(), row.versionId()), row.artifactName(), row.sha256(),
                row.size(), row.created());
    }

    private static ArtifactUse use(ArtifactUseRow row) {
        return new ArtifactUse(row.pipelineName(), row.pipelineExecutionId(), row.stageName(), row.actionName(), row.actionExecutionId());
    }

    /**
     * Not found when the store says the object is not there; any other refusal (an external service's, say) is
     * reported as it is, so that an artifact that exists is never said to be missing.
     */
    private static RuntimeException notFound(S3Location location, S3Exception cause) {
        if (cause.code() != S3ErrorCode.NoSuchKey && cause.code() != S3ErrorCode.NoSuchVersion && cause.code() != S3ErrorCode.NoSuchBucket) {
            return new UncheckedIOException("cannot read " + location + ": " + cause.code() + ": " + cause.getMessage(), new IOException(cause));
        }
        ArtifactNotFoundException e = new ArtifactNotFoundException(location);
        e.initCause(cause);
        return e;
    }

    private static String truncate(String s, int length) {
        return s.length() <= length ? s : s.substring(0, length);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the plaintext's sha256 when the end is reached; a mismatch fails that last read. */
}
