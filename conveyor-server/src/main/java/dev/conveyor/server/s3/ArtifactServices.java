package dev.conveyor.server.s3;

import dev.conveyor.artifacts.ArtifactRetention;
import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.RetentionGuard;
import dev.conveyor.artifacts.RetentionPolicy;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.external.ExternalS3ObjectStore;
import dev.conveyor.artifacts.local.LocalObjectStore;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.server.triggers.ObjectPutEvents;
import dev.conveyor.store.ArtifactRepository;
import dev.conveyor.store.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The artifact side of the server, assembled in one place: the keyring under {@code <dataDir>/keys}, the object
 * store (local blobs under {@code <dataDir>/artifacts}, or an external S3-compatible service), the engine's
 * {@link ObjectArtifactStore} over it, the S3 endpoint serving it, and the retention task.
 */
public final class ArtifactServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactServices.class);

    private final Keyring keyring;
    private final ObjectStore objects;
    private final ArtifactRepository repository;
    private final ObjectArtifactStore artifacts;
    private final S3Protocol s3;
    private final Clock clock;
    private Thread retention;

    private ArtifactServices(Keyring keyring, ObjectStore objects, ArtifactRepository repository, S3Protocol s3, Clock clock) {
        this.keyring = keyring;
        this.objects = objects;
        this.repository = repository;
        this.artifacts = new ObjectArtifactStore(objects, repository, clock);
        this.s3 = s3;
        this.clock = clock;
    }

    /**
     * Opens the artifact services over {@code keyring} (a file of this process's, or the database when replicas share
     * it: issue 19).
     *
     * @param externalEndpoint an external S3-compatible service to keep buckets in, or null for local blobs
     * @param maxObjectBytes   the largest object (artifact) accepted
     */
    public static ArtifactServices open(Path dataDir, Keyring keyring, URI externalEndpoint, long maxObjectBytes, Database database,
                                        String region, String accountId, Clock clock) {
        // ObjectPutEvents: new object versions can start S3-sourced pipelines (issue 5).
        ObjectStore objects = new ObjectPutEvents(externalEndpoint == null
                ? new LocalObjectStore(database, dataDir.resolve("artifacts"), keyring, clock, maxObjectBytes)
                : new ExternalS3ObjectStore(externalEndpoint, region, DefaultCredentialsProvider.builder().build(), keyring,
                        dataDir.resolve("artifacts").resolve("spool"), maxObjectBytes));
        if (externalEndpoint != null) {
            LOG.info("artifact buckets are kept in the S3-compatible service at {}", externalEndpoint);
        }
        return new ArtifactServices(keyring, objects, new ArtifactRepository(database), new S3Protocol(objects, region, accountId), clock);
    }

    public Keyring keyring() {
        return keyring;
    }

    public ObjectStore objects() {
        return objects;
    }

    public ObjectArtifactStore artifacts() {
        return artifacts;
    }

    public S3Protocol s3() {
        return s3;
    }

    /**
     * Applies the retention policy now and then every {@code interval}, on a virtual thread, asking {@code guard}
     * which executions must keep their artifacts. Does nothing when the policy keeps everything.
     */
    public synchronized void startRetention(RetentionPolicy policy, Duration interval, RetentionGuard guard) {
        startRetention(policy, interval, guard, () -> true);
    }

    /** The same, each round run only while {@code runsHere} says so (issue 19: one replica at a time). */
    public synchronized void startRetention(RetentionPolicy policy, Duration interval, RetentionGuard guard,
                                            java.util.function.BooleanSupplier runsHere) {
        if (policy.keepsAll() || retention != null) {
            return;
        }
        ArtifactRetention task = new ArtifactRetention(objects, repository, guard, policy, clock);
        retention = Thread.ofVirtual().name("conveyor-artifact-retention").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (runsHere.getAsBoolean()) {
                        task.run();
                    }
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("artifact retention failed: {}", e.toString());
                    try {
                        Thread.sleep(interval);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (retention != null) {
            retention.interrupt();
            retention = null;
        }
        objects.close();
    }
}
