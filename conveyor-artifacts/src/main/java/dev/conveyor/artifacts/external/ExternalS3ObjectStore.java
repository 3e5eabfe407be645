package dev.conveyor.artifacts.external;

import dev.conveyor.artifacts.crypto.ChunkedGcm;
import dev.conveyor.artifacts.crypto.DataKey;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.object.BucketInfo;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.DeleteResult;
import dev.conveyor.artifacts.object.MultipartUpload;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectListing;
import dev.conveyor.artifacts.object.ObjectNames;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.artifacts.object.SystemMetadata;
import dev.conveyor.artifacts.object.UploadedPart;
import dev.conveyor.artifacts.object.VersionListing;
import dev.conveyor.artifacts.object.Versioning;
import dev.conveyor.store.WrappedKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The object store as a proxy to an external S3-compatible service (AWS S3, MinIO, moto…): buckets, versions,
 * listings and multipart uploads are the service's own, so other tools can read artifacts there too. Encryption
 * stays Conveyor's: an encrypted object is stored as {@link ChunkedGcm} ciphertext, its wrapped data key and
 * plaintext size and digests in {@code x-amz-meta-conveyor-*} metadata, so the service only ever sees
 * ciphertext. Credentials come from the standard AWS chain.
 *
 * <p>Limits: listings report the stored size of encrypted objects (the service's view), and their ETag is the
 * service's (of the ciphertext; responses carry {@code x-amz-server-side-encryption}, so S3 clients do not take
 * it for an MD5); multipart uploads cannot be encrypted here (single uploads can, of any size).
 */
public final class ExternalS3ObjectStore implements ObjectStore {
    private static final String META_KEY_ID = "conveyor-key-id";
    private static final String META_KEY_VERSION = "conveyor-key-version";
    private static final String META_WRAPPED_KEY = "conveyor-wrapped-key";
    private static final String META_PLAIN_SIZE = "conveyor-plain-size";
    private static final String META_MD5 = "conveyor-md5";
    private static final String META_SHA256 = "conveyor-sha256";
    private static final int BUFFER = 256 * 1024;

    private final S3Client client;
    private final Keyring keyring;
    private final Path spoolDir;
    private final long maxObjectBytes;

    /**
     * @param endpoint    the service's endpoint, e.g. {@code http://minio:9000}
     * @param region      the region to sign for
     * @param credentials the credentials (normally {@code DefaultCredentialsProvider})
     * @param spoolDir    where uploads of unknown length are spooled (as stored: ciphertext when encrypted)
     */
    public ExternalS3ObjectStore(URI endpoint, String region, AwsCredentialsProvider credentials, Keyring keyring, Path spoolDir,
                                 long maxObjectBytes) {
        RetryStrategy noRetries = DefaultRetryStrategy.doNotRetry();
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                // Uploads stream from a client's request and cannot be replayed: no automatic retries.
                .overrideConfiguration(o -> o.retryStrategy(noRetries))
                .build();
        this.keyring = keyring;
        this.spoolDir = spoolDir;
        this.maxObjectBytes = maxObjectBytes;
        try {
            Files.createDirectories(spoolDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ buckets

    @Override
    public BucketInfo createBucket(String bucket) {
        ObjectNames.checkBucket(bucket);
        call(bucket, () -> client.createBucket(r -> r.bucket(bucket)));
        return headBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        call(bucket, () -> client.deleteBucket(r -> r.bucket(bucket)));
    }

    @Override
    public List<BucketInfo> listBuckets() {
        return call(null, () -> client.listBuckets().buckets().stream()
                .map(b -> new BucketInfo(b.name(), b.creationDate(), Versioning.UNVERSIONED)).toList());
    }

    @Override
    public BucketInfo headBucket(String bucket) {
        return call(bucket, () -> {
            BucketVersioningStatus versioning;
            try {
                versioning = client.getBucketVersioning(r -> r.bucket(bucket)).status();
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (!"NotImplemented".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
                    throw e;
                }
                // A store without versioning (S3Proxy's filesystem backend, issue 19): its buckets are unversioned.
                client.headBucket(r -> r.bucket(bucket));
                versioning = null;
            }
            Versioning state = versioning == BucketVersioningStatus.ENABLED ? Versioning.ENABLED
                    : versioning == BucketVersioningStatus.SUSPENDED ? Versioning.SUSPENDED : Versioning.UNVERSIONED;
            return new BucketInfo(bucket, null, state);
        });
    }

    @Override
    public void setVersioning(String bucket, boolean enabled) {
        call(bucket, () -> client.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(
                c -> c.status(enabled ? BucketVersioningStatus.ENABLED : BucketVersioningStatus.SUSPENDED))));
    }

    // ------------------------------------------------------------------ objects

    @Override
    public ObjectVersion putObject(String bucket, String key, ObjectWrite write, InputStream content) {
        ObjectNames.checkKey(bucket, key);
        if (write.contentLength() > maxObjectBytes) {
            throw tooLarge(bucket, key);
        }
        DataKey dataKey = write.encryptionKeyId() == null ? null : keyring.newDataKey(write.encryptionKeyId());
        MessageDigest md5 = digest("MD5");
        MessageDigest sha = digest("SHA-256");
        Path spooled = null;
        try {
            long plainSize = write.contentLength();
            InputStream plaintext = new DigestInputStream(new DigestInputStream(content, md5), sha);
            if (plainSize < 0) {
                // Unknown length: spool the stored form (ciphertext when encrypted), then upload it with its length.
                spooled = Files.createTempFile(spoolDir, "upload-", ".tmp");
                plainSize = spool(plaintext, spooled, dataKey, bucket, key);
            }
            Map<String, String> metadata = new HashMap<>(write.userMetadata());
            long storedSize = dataKey == null ? plainSize : ChunkedGcm.storedSize(plainSize);
            InputStream stored;
            if (spooled != null) {
                stored = Files.newInputStream(spooled);
            } else {
                stored = dataKey == null ? plaintext : ChunkedGcm.encrypting(plaintext, dataKey.plaintext(), plainSize);
            }
            if (dataKey != null) {
                WrappedKey wrapped = dataKey.wrapped();
                metadata.put(META_KEY_ID, wrapped.keyId());
                metadata.put(META_KEY_VERSION, Integer.toString(wrapped.keyVersion()));
                metadata.put(META_WRAPPED_KEY, wrapped.wrapped());
                metadata.put(META_PLAIN_SIZE, Long.toString(plainSize));
            }
            PutObjectResponse response;
            String shaHex;
            if (spooled != null) {
                String md5Hex = HexFormat.of().formatHex(md5.digest());
                shaHex = HexFormat.of().formatHex(sha.digest());
                checkDigests(bucket, key, write, md5Hex, shaHex, null);
                metadata.put(META_SHA256, shaHex);
                if (dataKey != null) {
                    metadata.put(META_MD5, md5Hex);
                }
                response = upload(bucket, key, write, metadata, stored, storedSize);
            } else {
                // Streamed: the plaintext's digests are known once the body is sent; a mismatch removes the version.
                response = upload(bucket, key, write, metadata, stored, storedSize);
                shaHex = HexFormat.of().formatHex(sha.digest());
                checkDigests(bucket, key, write, HexFormat.of().formatHex(md5.digest()), shaHex, response.versionId());
            }
            ObjectVersion v = headObject(bucket, key, response.versionId() == null ? null : response.versionId());
            // A streamed upload's sha256 is known only once it is sent, too late for its metadata: the answer carries it.
            return v.sha256() != null ? v : new ObjectVersion(v.bucket(), v.key(), v.versionId(), v.deleteMarker(), v.latest(), v.size(),
                    v.etag(), v.lastModified(), v.contentType(), v.userMetadata(), shaHex, v.kmsKeyId(), v.partsCount(), v.system());
        } catch (IOException e) {
            throw new UncheckedIOException("upload of " + bucket + "/" + key + " failed", e);
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private PutObjectResponse upload(String bucket, String key, ObjectWrite write, Map<String, String> metadata, InputStream body,
                                     long length) {
        String contentType = write.contentType();
        AtomicBoolean used = new AtomicBoolean();
        ContentStreamProvider provider = () -> {
            if (used.getAndSet(true)) {
                throw new IllegalStateException("a streamed upload cannot be sent twice");
            }
            return body;
        };
        return call(bucket + "/" + key, () -> client.putObject(r -> withSystem(r.bucket(bucket).key(key).contentType(contentType)
                .metadata(metadata).contentLength(length), write.system()), RequestBody.fromContentProvider(provider, length,
                contentType == null ? "binary/octet-stream" : contentType)));
    }

    private void checkDigests(String bucket, String key, ObjectWrite write, String md5Hex, String shaHex, String writtenVersion) {
        S3Exception problem = null;
        if (write.expectedMd5() != null && !Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex)).equals(write.expectedMd5())) {
            problem = new S3Exception(S3ErrorCode.BadDigest, "The Content-MD5 you specified did not match what we received.", bucket + "/" + key);
        } else if (write.expectedSha256() != null && !write.expectedSha256().equalsIgnoreCase(shaHex)) {
            problem = new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.", bucket + "/" + key);
        }
        if (problem != null) {
            if (writtenVersion != null) {
                client.deleteObject(r -> r.bucket(bucket).key(key).versionId(writtenVersion));
            }
            throw problem;
        }
    }

    private long spool(InputStream plaintext, Path file, DataKey dataKey, String bucket, String key) throws IOException {
        long total = 0;
        try (OutputStream out = dataKey == null ? Files.newOutputStream(file) : ChunkedGcm.encrypt(Files.newOutputStream(file), dataKey.plaintext())) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = plaintext.read(buffer)) >= 0) {
                total += n;
                if (total > maxObjectBytes) {
                    throw tooLarge(bucket, key);
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    @Override
    public ObjectContent getObject(String bucket, String key, String versionId, ByteRange range) {
        ObjectVersion version = headObject(bucket, key, versionId);
        String resolvedVersion = ObjectVersion.NULL_VERSION.equals(version.versionId()) ? versionId : version.versionId();
        long size = version.size();
        long start = 0;
        long end = size - 1;
        if (range != null) {
            long[] r = range.resolve(size, bucket + "/" + key);
            start = r[0];
            end = r[1];
        }
        long length = size == 0 ? 0 : end - start + 1;
        WrappedKey wrapped = wrappedKey(version.userMetadata());
        try {
            if (wrapped == null) {
                String header = range == null ? null : "bytes=" + start + "-" + end;
                InputStream in = length == 0 ? InputStream.nullInputStream() : get(bucket, key, resolvedVersion, header);
                return new ObjectContent(publicVersion(version), start, length, range != null, in);
            }
            byte[] dataKey = keyring.unwrap(wrapped);
            if (range == null || (start == 0 && end == size - 1)) {
                InputStream in = ChunkedGcm.decrypt(get(bucket, key, resolvedVersion, null), dataKey, size);
                return new ObjectContent(publicVersion(version), start, length, range != null, in);
            }
            long first = start / ChunkedGcm.CHUNK_BYTES;
            long last = end / ChunkedGcm.CHUNK_BYTES;
            byte[] header;
            try (InputStream h = get(bucket, key, resolvedVersion, "bytes=0-" + (ChunkedGcm.HEADER_BYTES - 1))) {
                header = h.readNBytes(ChunkedGcm.HEADER_BYTES);
            }
            long storedEnd = Math.min(ChunkedGcm.chunkOffset(last + 1), ChunkedGcm.storedSize(size)) - 1;
            InputStream chunks = get(bucket, key, resolvedVersion, "bytes=" + ChunkedGcm.chunkOffset(first) + "-" + storedEnd);
            InputStream decrypted = ChunkedGcm.decryptFrom(header, chunks, dataKey, size, first);
            decrypted.skipNBytes(start - first * ChunkedGcm.CHUNK_BYTES);
            return new ObjectContent(publicVersion(version), start, length, true, new Limited(decrypted, length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ResponseInputStream<GetObjectResponse> get(String bucket, String key, String versionId, String range) {
        return call(bucket + "/" + key, () -> client.getObject(r -> r.bucket(bucket).key(key).versionId(versionId).range(range)));
    }

    @Override
    public ObjectVersion headObject(String bucket, String key, String versionId) {
        HeadObjectResponse head = head(bucket, key, versionId);
        Map<String, String> metadata = head.metadata();
        WrappedKey wrapped = wrappedKey(metadata);
        long size = wrapped == null ? head.contentLength() : Long.parseLong(metadata.get(META_PLAIN_SIZE));
        String etag = metadata.containsKey(META_MD5) ? "\"" + metadata.get(META_MD5) + "\"" : head.eTag();
        return new ObjectVersion(bucket, key, head.versionId() == null ? ObjectVersion.NULL_VERSION : head.versionId(), false, true, size,
                etag, head.lastModified(), head.contentType(), metadata, metadata.get(META_SHA256),
                wrapped == null ? null : wrapped.keyId(), head.partsCount(), new SystemMetadata(head.cacheControl(),
                head.contentDisposition(), head.contentEncoding(), head.contentLanguage(), head.expiresString()));
    }

    private HeadObjectResponse head(String bucket, String key, String versionId) {
        String resource = bucket + "/" + key;
        try {
            return call(resource, () -> client.headObject(r -> r.bucket(bucket).key(key).versionId(versionId)));
        } catch (S3Exception e) {
            if (!ObjectVersion.NULL_VERSION.equals(versionId) || e.code() != S3ErrorCode.InvalidRequest) {
                throw e;
            }
            // S3 heads version "null" (written while the bucket was unversioned) like any other, but some compatible
            // services (moto) answer 400 to a HEAD with a versionId in a bucket that was never versioned, such as an
            // artifact bucket made before Conveyor used it. There the latest version is the null version, if any.
            HeadObjectResponse latest = call(resource, () -> client.headObject(r -> r.bucket(bucket).key(key)));
            if (latest.versionId() != null && !ObjectVersion.NULL_VERSION.equals(latest.versionId())) {
                throw new S3Exception(S3ErrorCode.NoSuchVersion, "The specified version does not exist.", resource);
            }
            return latest;
        }
    }

    @Override
    public DeleteResult deleteObject(String bucket, String key, String versionId) {
        DeleteObjectResponse response = call(bucket + "/" + key, () -> client.deleteObject(r -> r.bucket(bucket).key(key).versionId(versionId)));
        return new DeleteResult(response.versionId(), Boolean.TRUE.equals(response.deleteMarker()));
    }

    @Override
    public ObjectVersion copyObject(String sourceBucket, String sourceKey, String sourceVersionId, String bucket, String key,
                                    ObjectWrite replacement) {
        ObjectNames.checkKey(bucket, key);
        ObjectVersion source = headObject(sourceBucket, sourceKey, sourceVersionId);
        String wanted = replacement == null ? null : replacement.encryptionKeyId();
        boolean sameStorage = wanted == null || (source.kmsKeyId() != null && keyring.resolve(wanted, true).equals(source.kmsKeyId()));
        if (!sameStorage) {
            ObjectWrite write = new ObjectWrite(source.size(), replacement.contentType(), publicMetadata(replacement.userMetadata()), wanted,
                    null, null, replacement.system());
            try (ObjectContent content = getObject(sourceBucket, sourceKey, sourceVersionId, null)) {
                return putObject(bucket, key, write, content.stream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        var response = call(bucket + "/" + key, () -> client.copyObject(r -> {
            r.sourceBucket(sourceBucket).sourceKey(sourceKey).sourceVersionId(sourceVersionId).destinationBucket(bucket).destinationKey(key);
            if (replacement != null) {
                Map<String, String> metadata = new HashMap<>(publicMetadata(replacement.userMetadata()));
                source.userMetadata().forEach((k, v) -> {
                    if (k.startsWith("conveyor-")) {
                        metadata.put(k, v);
                    }
                });
                withSystem(r.metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(replacement.contentType()),
                        replacement.system());
            }
        }));
        return headObject(bucket, key, response.versionId());
    }

    @Override
    public ObjectListing listObjects(String bucket, String prefix, String delimiter, String startAfter, String continuationToken,
                                     int maxKeys) {
        ListObjectsV2Response response = call(bucket, () -> client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).delimiter(delimiter)
                .startAfter(startAfter).continuationToken(continuationToken).maxKeys(maxKeys)));
        List<ObjectVersion> objects = response.contents().stream().map(o -> new ObjectVersion(bucket, o.key(), ObjectVersion.NULL_VERSION,
                false, true, o.size(), o.eTag(), o.lastModified(), null, Map.of(), null, null, null)).toList();
        return new ObjectListing(objects, response.commonPrefixes().stream().map(CommonPrefix::prefix).toList(),
                Boolean.TRUE.equals(response.isTruncated()), response.nextContinuationToken());
    }

    @Override
    public VersionListing listObjectVersions(String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker,
                                             int maxKeys) {
        ListObjectVersionsResponse response = call(bucket, () -> client.listObjectVersions(r -> r.bucket(bucket).prefix(prefix)
                .delimiter(delimiter).keyMarker(keyMarker).versionIdMarker(versionIdMarker).maxKeys(maxKeys)));
        List<ObjectVersion> versions = new ArrayList<>();
        response.versions().forEach(v -> versions.add(new ObjectVersion(bucket, v.key(), v.versionId(), false, Boolean.TRUE.equals(v.isLatest()),
                v.size(), v.eTag(), v.lastModified(), null, Map.of(), null, null, null)));
        for (DeleteMarkerEntry m : response.deleteMarkers()) {
            versions.add(new ObjectVersion(bucket, m.key(), m.versionId(), true, Boolean.TRUE.equals(m.isLatest()), 0, null,
                    m.lastModified(), null, Map.of(), null, null, null));
        }
        // The service returns versions and delete markers as two lists; S3 orders them together by key, newest first.
        versions.sort((a, b) -> {
            int byKey = java.util.Arrays.compareUnsigned(a.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    b.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return byKey != 0 ? byKey : b.lastModified().compareTo(a.lastModified());
        });
        return new VersionListing(versions, response.commonPrefixes().stream().map(CommonPrefix::prefix).toList(),
                Boolean.TRUE.equals(response.isTruncated()), response.nextKeyMarker(), response.nextVersionIdMarker());
    }

    // ------------------------------------------------------------------ multipart uploads (plaintext only)

    @Override
    public MultipartUpload createMultipartUpload(String bucket, String key, ObjectWrite write) {
        ObjectNames.checkKey(bucket, key);
        if (write.encryptionKeyId() != null) {
            throw new S3Exception(S3ErrorCode.NotImplemented, "Encrypted multipart uploads are not supported with an external artifact "
                    + "store; upload the object in one request", bucket + "/" + key);
        }
        CreateMultipartUploadResponse response = call(bucket + "/" + key, () -> client.createMultipartUpload(r -> withSystem(r.bucket(bucket)
                .key(key).contentType(write.contentType()).metadata(write.userMetadata()), write.system())));
        return new MultipartUpload(bucket, key, response.uploadId(), Instant.now(), null);
    }

    @Override
    public UploadedPart uploadPart(String bucket, String key, String uploadId, int partNumber, ObjectWrite write, InputStream content) {
        long length = write.contentLength();
        if (length < 0) {
            throw new S3Exception(S3ErrorCode.MissingContentLength, "You must provide the Content-Length HTTP header.", bucket + "/" + key);
        }
        AtomicBoolean used = new AtomicBoolean();
        ContentStreamProvider provider = () -> {
            if (used.getAndSet(true)) {
                throw new IllegalStateException("a streamed upload cannot be sent twice");
            }
            return content;
        };
        var response = call(bucket + "/" + key, () -> client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(partNumber).contentLength(length).contentMD5(write.expectedMd5()), RequestBody.fromContentProvider(provider, length,
                "binary/octet-stream")));
        return new UploadedPart(partNumber, response.eTag(), length, Instant.now());
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts) {
        var response = call(bucket + "/" + key, () -> client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(parts.stream()
                        .map(p -> software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(p.partNumber()).eTag(p.etag()).build())
                        .toList()).build())));
        return headObject(bucket, key, response.versionId());
    }

    @Override
    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        call(bucket + "/" + key, () -> client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)));
    }

    @Override
    public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
        return call(bucket + "/" + key, () -> client.listParts(r -> r.bucket(bucket).key(key).uploadId(uploadId)).parts().stream()
                .map(p -> new UploadedPart(p.partNumber(), p.eTag(), p.size(), p.lastModified())).toList());
    }

    @Override
    public List<MultipartUpload> listMultipartUploads(String bucket, String prefix, int maxUploads) {
        return call(bucket, () -> client.listMultipartUploads(r -> r.bucket(bucket).prefix(prefix).maxUploads(maxUploads)).uploads().stream()
                .map(u -> new MultipartUpload(bucket, u.key(), u.uploadId(), u.initiated(), null)).toList());
    }

    @Override
    public void close() {
        client.close();
    }

    // ------------------------------------------------------------------ internals

    private interface Call<T> {
        T run();
    }

    /** Runs a call to the service, turning its errors into this store's S3 errors. */
    private static <T> T call(String resource, Call<T> call) {
        try {
            return call.run();
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            S3ErrorCode mapped = null;
            for (S3ErrorCode candidate : S3ErrorCode.values()) {
                if (candidate.code().equals(code)) {
                    mapped = candidate;
                }
            }
            if (mapped == null) {
                mapped = switch (e.statusCode()) {
                    case 404 -> resource != null && resource.contains("/") ? S3ErrorCode.NoSuchKey : S3ErrorCode.NoSuchBucket;
                    case 403 -> S3ErrorCode.AccessDenied;
                    case 409 -> S3ErrorCode.BucketNotEmpty;
                    case 412 -> S3ErrorCode.PreconditionFailed;
                    case 416 -> S3ErrorCode.InvalidRange;
                    default -> e.statusCode() >= 500 ? S3ErrorCode.InternalError : S3ErrorCode.InvalidRequest;
                };
            }
            String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    ? e.awsErrorDetails().errorMessage() : "the artifact store answered " + e.statusCode();
            throw new S3Exception(mapped, message, resource);
        }
    }

    private static WrappedKey wrappedKey(Map<String, String> metadata) {
        String keyId = metadata.get(META_KEY_ID);
        if (keyId == null) {
            return null;
        }
        return new WrappedKey(keyId, Integer.parseInt(metadata.get(META_KEY_VERSION)), metadata.get(META_WRAPPED_KEY));
    }

    private static ObjectVersion publicVersion(ObjectVersion v) {
        return new ObjectVersion(v.bucket(), v.key(), v.versionId(), v.deleteMarker(), v.latest(), v.size(), v.etag(), v.lastModified(),
                v.contentType(), publicMetadata(v.userMetadata()), v.sha256(), v.kmsKeyId(), v.partsCount(), v.system());
    }

    /**
     * Sends the system metadata as the request's own headers, exactly as the client gave them (the SDK's model takes
     * Expires only as a date, and S3 keeps whatever string was sent).
     */
    private static void withSystem(AwsRequest.Builder request, SystemMetadata system) {
        if (!system.isEmpty()) {
            request.overrideConfiguration(o -> system.toHeaders().forEach(o::putHeader));
        }
    }

    private static Map<String, String> publicMetadata(Map<String, String> metadata) {
        Map<String, String> visible = new HashMap<>();
        metadata.forEach((k, v) -> {
            if (!k.toLowerCase(Locale.ROOT).startsWith("conveyor-")) {
                visible.put(k, v);
            }
        });
        return visible;
    }

    private S3Exception tooLarge(String bucket, String key) {
        return new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed object size ("
                + maxObjectBytes + " bytes)", bucket + "/" + key);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** At most {@code limit} bytes of a stream. */
    private static final class Limited extends SequenceInputStream {
        Limited(InputStream in, long limit) {
            super(new java.io.FilterInputStream(in) {
                private long remaining = limit;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int n = in.read(b, off, (int) Math.min(len, remaining));
                    if (n > 0) {
                        remaining -= n;
                    }
                    return n;
                }
            }, InputStream.nullInputStream());
        }
    }
}
