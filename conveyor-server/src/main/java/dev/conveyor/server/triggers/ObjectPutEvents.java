package dev.conveyor.server.triggers;

import dev.conveyor.artifacts.object.BucketInfo;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.DeleteResult;
import dev.conveyor.artifacts.object.MultipartUpload;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectListing;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.UploadedPart;
import dev.conveyor.artifacts.object.VersionListing;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object store that tells a listener of every new object version (put, copy, completed multipart upload)
 * after it is stored: the local equivalent of the S3 events that start S3-sourced pipelines. A failing listener
 * never fails the write.
 */
public final class ObjectPutEvents implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectPutEvents.class);

    private final ObjectStore delegate;
    private final List<Consumer<ObjectVersion>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ObjectPutEvents(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Adds a listener (S3-sourced pipelines' triggers; EventBridge's Object Created events). */
    public void listen(Consumer<ObjectVersion> newListener) {
        listeners.add(newListener);
    }

    private ObjectVersion stored(ObjectVersion version) {
        for (Consumer<ObjectVersion> listener : listeners) {
            try {
                listener.accept(version);
            } catch (RuntimeException e) {
                LOG.warn("a listener of s3://{}/{} failed: {}", version.bucket(), version.key(), e.toString());
            }
        }
        return version;
    }

    @Override
    public BucketInfo createBucket(String bucket) {
        return delegate.createBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        delegate.deleteBucket(bucket);
    }

    @Override
    public List<BucketInfo> listBuckets() {
        return delegate.listBuckets();
    }

    @Override
    public BucketInfo headBucket(String bucket) {
        return delegate.headBucket(bucket);
    }

    @Override
    public void setVersioning(String bucket, boolean enabled) {
        delegate.setVersioning(bucket, enabled);
    }

    @Override
    public boolean checksDeclaredSha256() {
        return delegate.checksDeclaredSha256();
    }

    @Override
    public ObjectVersion putObject(String bucket, String key, ObjectWrite write, InputStream content) {
        return stored(delegate.putObject(bucket, key, write, content));
    }

    @Override
    public ObjectContent getObject(String bucket, String key, String versionId, ByteRange range) {
        return delegate.getObject(bucket, key, versionId, range);
    }

    @Override
    public ObjectVersion headObject(String bucket, String key, String versionId) {
        return delegate.headObject(bucket, key, versionId);
    }

    @Override
    public DeleteResult deleteObject(String bucket, String key, String versionId) {
        return delegate.deleteObject(bucket, key, versionId);
    }

    @Override
    public ObjectVersion copyObject(String sourceBucket, String sourceKey, String sourceVersionId, String bucket, String key,
                                    ObjectWrite replacement) {
        return stored(delegate.copyObject(sourceBucket, sourceKey, sourceVersionId, bucket, key, replacement));
    }

    @Override
    public ObjectListing listObjects(String bucket, String prefix, String delimiter, String startAfter, String continuationToken,
                                     int maxKeys) {
        return delegate.listObjects(bucket, prefix, delimiter, startAfter, continuationToken, maxKeys);
    }

    @Override
    public VersionListing listObjectVersions(String bucket, String prefix, String delimiter, String keyMarker,
                                             String versionIdMarker, int maxKeys) {
        return delegate.listObjectVersions(bucket, prefix, delimiter, keyMarker, versionIdMarker, maxKeys);
    }

    @Override
    public MultipartUpload createMultipartUpload(String bucket, String key, ObjectWrite write) {
        return delegate.createMultipartUpload(bucket, key, write);
    }

    @Override
    public UploadedPart uploadPart(String bucket, String key, String uploadId, int partNumber, ObjectWrite write, InputStream content) {
        return delegate.uploadPart(bucket, key, uploadId, partNumber, write, content);
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts) {
        return stored(delegate.completeMultipartUpload(bucket, key, uploadId, parts));
    }

    @Override
    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        delegate.abortMultipartUpload(bucket, key, uploadId);
    }

    @Override
    public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
        return delegate.listParts(bucket, key, uploadId);
    }

    @Override
    public List<MultipartUpload> listMultipartUploads(String bucket, String prefix, int maxUploads) {
        return delegate.listMultipartUploads(bucket, prefix, maxUploads);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
