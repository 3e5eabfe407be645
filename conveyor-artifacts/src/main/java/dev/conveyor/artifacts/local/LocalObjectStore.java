package dev.conveyor.artifacts.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.artifacts.crypto.ChunkedGcm;
import dev.conveyor.artifacts.crypto.DataKey;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.object.BucketInfo;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.DeleteResult;
import dev.conveyor.artifacts.object.KeyRanges;
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
import dev.conveyor.store.BucketRow;
import dev.conveyor.store.Database;
import dev.conveyor.store.MultipartUploadRow;
import dev.conveyor.store.ObjectRepository;
import dev.conveyor.store.ObjectVersionRow;
import dev.conveyor.store.PartRow;
import dev.conveyor.store.SegmentRow;
import dev.conveyor.store.WrappedKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The object store on the local disk: metadata in the database ({@link ObjectRepository}), content in
 * {@link BlobStore} files under {@code <dataDir>/artifacts}, encrypted with {@link ChunkedGcm} under a data key from
 * the {@link Keyring} when a write names a key. Content is streamed through in 256 KiB buffers while its digests are
 * computed (the sha256 that names a plaintext blob or is recorded for an encrypted one, and the MD5 of a plaintext
 * ETag); nothing is committed to the database until the blob is complete, synced and in place.
 */
public final class LocalObjectStore implements ObjectStore {
    static final int BUFFER = 256 * 1024;
    /** Uploads announced this large or larger, or of unknown length, compute their side digests on a thread of their own. */
    static final long OFF_THREAD_BYTES = 4L * 1024 * 1024;
    /** Bytes decrypted ahead at a time: four GCM chunks. */
    private static final int DECRYPT_AHEAD_BUFFER = 4 * ChunkedGcm.CHUNK_BYTES;
    /** S3's minimum size of every part but the last. */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final ObjectRepository repository;
    private final BlobStore blobs;
    private final Keyring keyring;
    private final Clock clock;
    private final long maxObjectBytes;

    public LocalObjectStore(Database database, Path artifactsDir, Keyring keyring, Clock clock, long maxObjectBytes) {
        this.blobs = new BlobStore(artifactsDir);
        this.repository = new ObjectRepository(database, blobs);
        this.keyring = keyring;
        this.clock = clock;
        this.maxObjectBytes = maxObjectBytes;
        blobs.removeInterruptedWrites();
        blobs.settleSetAside(repository::blobExists);
        blobs.sweep();
    }

    /** The blob files (for tests and diagnostics). */
    public BlobStore blobs() {
        return blobs;
    }

    // ------------------------------------------------------------------ buckets

    @Override
    public BucketInfo createBucket(String bucket) {
        ObjectNames.checkBucket(bucket);
        if (!repository.createBucket(bucket, clock.instant())) {
            throw new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou,
                    "Your previous request to create the named bucket succeeded and you already own it.", bucket);
        }
        return headBucket(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        switch (repository.deleteBucket(bucket)) {
            case NOT_FOUND -> throw S3Exception.noSuchBucket(bucket);
            case NOT_EMPTY -> throw new S3Exception(S3ErrorCode.BucketNotEmpty, "The bucket you tried to delete is not empty", bucket);
            case DELETED -> {
            }
        }
    }

    @Override
    public List<BucketInfo> listBuckets() {
        return repository.buckets().stream().map(LocalObjectStore::bucketInfo).toList();
    }

    @Override
    public BucketInfo headBucket(String bucket) {
        return repository.bucket(bucket).map(LocalObjectStore::bucketInfo).orElseThrow(() -> S3Exception.noSuchBucket(bucket));
    }

    @Override
    public void setVersioning(String bucket, boolean enabled) {
        if (!repository.setVersioning(bucket, enabled ? BucketRow.ENABLED : BucketRow.SUSPENDED)) {
            throw S3Exception.noSuchBucket(bucket);
        }
    }

    // ------------------------------------------------------------------ objects

    /** Every byte read is checked against its blob's chunk checksums first (and, encrypted, its GCM tag). */
    @Override
    public boolean verifiesReads() {
        return true;
    }

    /**
     * The sha256 that names a plaintext blob (or, encrypted, the plaintext's, digested beside the MD5) is compared
     * with the declared one once the content is written, before its blob is placed or its version recorded.
     */
    @Override
    public boolean checksDeclaredSha256() {
        return true;
    }

    @Override
    public ObjectVersion putObject(String bucket, String key, ObjectWrite write, InputStream content) {
        ObjectNames.checkKey(bucket, key);
        headBucket(bucket); // fail before streaming anything
        checkLength(bucket, key, write.contentLength());
        DataKey dataKey = write.encryptionKeyId() == null ? null : keyring.newDataKey(write.encryptionKeyId());
        Written written = writeBlob(bucket, key, write, content, dataKey == null ? null : dataKey.plaintext(), dataKey == null);
        try {
            ObjectRepository.NewVersion version = new ObjectRepository.NewVersion(bucket, key, newVersionId(), false,
                    written.plainSize, quote(written.etagHex), written.plainSha256, write.contentType(), metadataJson(write.userMetadata()),
                    dataKey == null ? null : dataKey.wrapped(), null, clock.instant(),
                    List.of(new SegmentRow(written.blob.name(), written.blob.size(), written.plainSize)), systemJson(write.system()));
            ObjectVersionRow row = repository.putVersion(version, sha -> blobs.place(written.blob))
                    .orElseThrow(() -> S3Exception.noSuchBucket(bucket));
            return toVersion(row);
        } finally {
            written.writer.abort();
        }
    }

    @Override
    public ObjectContent getObject(String bucket, String key, String versionId, ByteRange range) {
        ObjectVersionRow row = readableVersion(bucket, key, versionId);
        long size = row.size();
        long start = 0;
        long end = size - 1;
        if (range != null) {
            long[] resolved = range.resolve(size, bucket + "/" + key);
            start = resolved[0];
            end = resolved[1];
        }
        long length = size == 0 ? 0 : end - start + 1;
        byte[] dataKey = row.wrappedKey() == null ? null : keyring.unwrap(row.wrappedKey());
        InputStream stream = new SequenceInputStream(lazySegments(row, start, length, dataKey));
        return new ObjectContent(toVersion(row), start, length, range != null, stream);
    }

    @Override
    public ObjectVersion headObject(String bucket, String key, String versionId) {
        return toVersion(readableVersion(bucket, key, versionId));
    }

    @Override
    public DeleteResult deleteObject(String bucket, String key, String versionId) {
        ObjectRepository.Deletion deletion = repository.deleteObject(bucket, key, versionId, newVersionId(), clock.instant())
                .orElseThrow(() -> S3Exception.noSuchBucket(bucket));
        if (deletion.marker() != null) {
            return new DeleteResult(deletion.marker().versionId(), true);
        }
        if (deletion.removed() != null) {
            return new DeleteResult(deletion.removed().versionId(), deletion.removed().deleteMarker());
        }
        return new DeleteResult(versionId, false);
    }

    @Override
    public ObjectVersion copyObject(String sourceBucket, String sourceKey, String sourceVersionId, String bucket, String key,
                                    ObjectWrite replacement) {
        ObjectNames.checkKey(bucket, key);
        ObjectVersionRow source = readableVersion(sourceBucket, sourceKey, sourceVersionId);
        headBucket(bucket);
        String contentType = replacement == null ? source.contentType() : replacement.contentType();
        String metadata = replacement == null ? source.userMetadataJson() : metadataJson(replacement.userMetadata());
        String system = replacement == null ? source.systemMetadataJson() : systemJson(replacement.system());
        String wantedKey = replacement == null ? null : replacement.encryptionKeyId();
        boolean sameStorage = wantedKey == null
                || (source.wrappedKey() != null && keyring.resolve(wantedKey, true).equals(source.wrappedKey().keyId()));
        if (sameStorage) {
            // Same content, same encryption: the copy shares the source's blobs.
            ObjectRepository.NewVersion version = new ObjectRepository.NewVersion(bucket, key, newVersionId(), false,
                    source.size(), source.etag(), source.contentSha256(), contentType, metadata, source.wrappedKey(),
                    source.partsCount(), clock.instant(), source.segments(), system);
            try {
                return toVersion(repository.putVersion(version, null).orElseThrow(() -> S3Exception.noSuchBucket(bucket)));
            } catch (IllegalStateException e) {
                throw S3Exception.noSuchKey(sourceBucket, sourceKey);
            }
        }
        ObjectWrite write = new ObjectWrite(source.size(), contentType, readMetadata(metadata), wantedKey, null, null,
                SystemMetadata.fromHeaders(readMetadata(system)));
        try (ObjectContent content = getObject(sourceBucket, sourceKey, source.versionId(), null)) {
            return putObject(bucket, key, write, content.stream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ObjectListing listObjects(String bucket, String prefix, String delimiter, String startAfter, String continuationToken,
                                     int maxKeys) {
        headBucket(bucket);
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        byte[] below = KeyRanges.prefixEnd(p);
        byte[] from = p.isEmpty() ? null : KeyRanges.utf8(p);
        if (continuationToken != null) {
            from = KeyRanges.max(from, KeyRanges.fromToken(continuationToken, bucket));
        } else if (startAfter != null && !startAfter.isEmpty()) {
            from = KeyRanges.max(from, KeyRanges.after(startAfter));
        }
        List<ObjectVersion> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        int batch = Math.min(Math.max(maxKeys, 1) + 1, 1001);
        while (objects.size() + prefixes.size() < maxKeys) {
            List<ObjectVersionRow> rows = repository.listLatest(bucket, from, below, batch);
            if (rows.isEmpty()) {
                return new ObjectListing(objects, prefixes, false, null);
            }
            for (ObjectVersionRow row : rows) {
                if (objects.size() + prefixes.size() >= maxKeys) {
                    return new ObjectListing(objects, prefixes, true, KeyRanges.token(from));
                }
                String common = commonPrefix(row.key(), p, d);
                if (common != null) {
                    prefixes.add(common);
                    from = KeyRanges.prefixEnd(common);
                    if (from == null) {
                        return new ObjectListing(objects, prefixes, false, null);
                    }
                    break; // skip the rest of this prefix with a new query
                }
                objects.add(toVersion(row));
                from = KeyRanges.after(row.key());
            }
        }
        boolean more = !repository.listLatest(bucket, from, below, 1).isEmpty();
        return new ObjectListing(objects, prefixes, more, more ? KeyRanges.token(from) : null);
    }

    @Override
    public VersionListing listObjectVersions(String bucket, String prefix, String delimiter, String keyMarker,
                                             String versionIdMarker, int maxKeys) {
        headBucket(bucket);
        String p = prefix == null ? "" : prefix;
        String d = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        byte[] below = KeyRanges.prefixEnd(p);
        byte[] from = p.isEmpty() ? null : KeyRanges.utf8(p);
        String afterKey = null;
        Long afterId = null;
        if (keyMarker != null && !keyMarker.isEmpty()) {
            Optional<ObjectVersionRow> marker = versionIdMarker == null || versionIdMarker.isEmpty() ? Optional.empty()
                    : repository.version(bucket, keyMarker, versionIdMarker);
            if (marker.isPresent()) {
                from = KeyRanges.max(from, KeyRanges.utf8(keyMarker));
                afterKey = keyMarker;
                afterId = marker.get().id();
            } else {
                from = KeyRanges.max(from, KeyRanges.after(keyMarker));
            }
        }
        List<ObjectVersion> versions = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        ObjectVersion last = null;
        int batch = Math.min(Math.max(maxKeys, 1) + 1, 1001);
        outer:
        while (true) {
            List<ObjectVersionRow> rows = repository.listVersions(bucket, from, below, afterKey, afterId, batch);
            if (rows.isEmpty()) {
                return new VersionListing(versions, prefixes, false, null, null);
            }
            for (ObjectVersionRow row : rows) {
                if (versions.size() + prefixes.size() >= maxKeys) {
                    return new VersionListing(versions, prefixes, true, last == null ? null : last.key(),
                            last == null ? null : last.versionId());
                }
                String common = commonPrefix(row.key(), p, d);
                if (common != null) {
                    prefixes.add(common);
                    last = null;
                    from = KeyRanges.prefixEnd(common);
                    afterKey = null;
                    afterId = null;
                    if (from == null) {
                        break outer;
                    }
                    continue outer;
                }
                last = toVersion(row);
                versions.add(last);
                from = KeyRanges.utf8(row.key());
                afterKey = row.key();
                afterId = row.id();
            }
        }
        return new VersionListing(versions, prefixes, false, null, null);
    }

    // ------------------------------------------------------------------ multipart uploads

    @Override
    public MultipartUpload createMultipartUpload(String bucket, String key, ObjectWrite write) {
        ObjectNames.checkKey(bucket, key);
        DataKey dataKey = write.encryptionKeyId() == null ? null : keyring.newDataKey(write.encryptionKeyId());
        String uploadId = randomId(48);
        MultipartUploadRow row = new MultipartUploadRow(uploadId, bucket, key, write.contentType(), metadataJson(write.userMetadata()),
                dataKey == null ? null : dataKey.wrapped(), clock.instant(), systemJson(write.system()));
        if (!repository.createUpload(row)) {
            throw S3Exception.noSuchBucket(bucket);
        }
        return new MultipartUpload(bucket, key, uploadId, row.created(), dataKey == null ? null : dataKey.wrapped().keyId());
    }

    @Override
    public UploadedPart uploadPart(String bucket, String key, String uploadId, int partNumber, ObjectWrite write, InputStream content) {
        if (partNumber < 1 || partNumber > 10000) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive", bucket + "/" + key);
        }
        MultipartUploadRow upload = upload(bucket, key, uploadId);
        checkLength(bucket, key, write.contentLength());
        byte[] dataKey = upload.wrappedKey() == null ? null : keyring.unwrap(upload.wrappedKey());
        // Parts keep MD5 ETags even when encrypted: UploadPart responses do not declare SSE-KMS, so a client may check them.
        Written written = writeBlob(bucket, key, write, content, dataKey, true);
        try {
            String etag = quote(written.etagHex);
            if (!repository.putPart(uploadId, partNumber, new SegmentRow(written.blob.name(), written.blob.size(), written.plainSize),
                    etag, clock.instant(), sha -> blobs.place(written.blob))) {
                throw noSuchUpload(bucket, key, uploadId);
            }
            return new UploadedPart(partNumber, etag, written.plainSize, clock.instant());
        } finally {
            written.writer.abort();
        }
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> chosen) {
        MultipartUploadRow upload = upload(bucket, key, uploadId);
        if (chosen.isEmpty()) {
            throw new S3Exception(S3ErrorCode.MalformedXML, "You must specify at least one part", bucket + "/" + key);
        }
        List<PartRow> parts = repository.parts(uploadId);
        List<SegmentRow> segments = new ArrayList<>();
        MessageDigest md5s = md5();
        long size = 0;
        int previous = 0;
        for (CompletedPart c : chosen) {
            if (c.partNumber() <= previous) {
                throw new S3Exception(S3ErrorCode.InvalidPartOrder, "The list of parts was not in ascending order", bucket + "/" + key);
            }
            previous = c.partNumber();
        }
        for (int i = 0; i < chosen.size(); i++) {
            CompletedPart c = chosen.get(i);
            PartRow part = parts.stream().filter(p -> p.partNumber() == c.partNumber()).findFirst().orElse(null);
            if (part == null || (c.etag() != null && !unquote(c.etag()).equals(unquote(part.etag())))) {
                throw new S3Exception(S3ErrorCode.InvalidPart, "One or more of the specified parts could not be found (part "
                        + c.partNumber() + ")", bucket + "/" + key);
            }
            if (i < chosen.size() - 1 && part.segment().plainSize() < MIN_PART_BYTES) {
                throw new S3Exception(S3ErrorCode.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size "
                        + "(part " + c.partNumber() + " has " + part.segment().plainSize() + " bytes)", bucket + "/" + key);
            }
            md5s.update(HexFormat.of().parseHex(unquote(part.etag())));
            segments.add(part.segment());
            size += part.segment().plainSize();
        }
        if (size > maxObjectBytes) {
            throw tooLarge(bucket, key);
        }
        String etag = quote(HexFormat.of().formatHex(md5s.digest()) + "-" + chosen.size());
        ObjectRepository.NewVersion version = new ObjectRepository.NewVersion(bucket, key, newVersionId(), false, size, etag, null,
                upload.contentType(), upload.userMetadataJson(), upload.wrappedKey(), chosen.size(), clock.instant(), segments,
                upload.systemMetadataJson());
        return toVersion(repository.completeUpload(uploadId, version).orElseThrow(() -> noSuchUpload(bucket, key, uploadId)));
    }

    @Override
    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        upload(bucket, key, uploadId);
        if (!repository.abortUpload(uploadId)) {
            throw noSuchUpload(bucket, key, uploadId);
        }
    }

    @Override
    public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
        upload(bucket, key, uploadId);
        return repository.parts(uploadId).stream()
                .map(p -> new UploadedPart(p.partNumber(), p.etag(), p.segment().plainSize(), p.created())).toList();
    }

    @Override
    public List<MultipartUpload> listMultipartUploads(String bucket, String prefix, int maxUploads) {
        headBucket(bucket);
        String p = prefix == null ? "" : prefix;
        return repository.uploads(bucket, p.isEmpty() ? null : KeyRanges.utf8(p), KeyRanges.prefixEnd(p), maxUploads).stream()
                .map(u -> new MultipartUpload(u.bucket(), u.key(), u.uploadId(), u.created(),
                        u.wrappedKey() == null ? null : u.wrappedKey().keyId()))
                .toList();
    }

    /** Removes the given versions for good (retention). */
    public int removeVersions(String bucket, List<String[]> keysAndVersionIds) {
        return repository.removeVersions(bucket, keysAndVersionIds);
    }

    // ------------------------------------------------------------------ internals

    private record Written(BlobStore.Writer writer, BlobStore.WrittenBlob blob, long plainSize, String etagHex, String plainSha256) {
    }

    /**
     * Streams content into a new blob (through encryption when {@code dataKey} is given), computing the digests it
     * needs on the side (see {@link SideDigests}), enforcing the announced length and the size limit and checking
     * the client's digests. On any failure the temporary file is gone.
     *
     * <p>The ETag is the content's MD5 when {@code md5ETag}; otherwise (an encrypted object, which every response
     * declares as SSE-KMS) it is, as S3 gives SSE-KMS objects, not an MD5: here the first 128 bits of the
     * plaintext's sha256, computed anyway, so that it still changes exactly when the content does. MD5 is then
     * only computed to check a Content-MD5 the client sent.
     */
    private Written writeBlob(String bucket, String key, ObjectWrite write, InputStream content, byte[] dataKey, boolean md5ETag) {
        boolean encrypted = dataKey != null;
        boolean md5Wanted = md5ETag || write.expectedMd5() != null;
        List<MessageDigest> digests = new ArrayList<>();
        if (md5Wanted) {
            digests.add(md5());
        }
        if (encrypted) {
            digests.add(BlobStore.sha256()); // the plaintext's: the writer names ciphertext at random
        }
        boolean large = write.contentLength() < 0 || write.contentLength() >= OFF_THREAD_BYTES;
        BlobStore.Writer writer = blobs.newWriter(write.contentLength(), !encrypted);
        try (SideDigests side = large ? SideDigests.offThread(digests, BUFFER) : SideDigests.inline(digests, BUFFER)) {
            long total = 0;
            try (OutputStream sink = encrypted ? ChunkedGcm.encrypt(writer, dataKey) : writer) {
                while (true) {
                    byte[] buffer = side.buffer();
                    // Fill the whole buffer: a request body hands over a few KiB per read, and each buffer costs a
                    // hand-over to the digest thread and a write system call.
                    int n = content.readNBytes(buffer, 0, buffer.length);
                    total += n;
                    if (total > maxObjectBytes) {
                        throw tooLarge(bucket, key);
                    }
                    if (write.contentLength() >= 0 && total > write.contentLength()) {
                        throw new S3Exception(S3ErrorCode.InvalidRequest, "The request body is longer than its Content-Length", bucket + "/" + key);
                    }
                    if (n > 0) {
                        side.submit(buffer, n);
                        sink.write(buffer, 0, n);
                    }
                    if (n < buffer.length) {
                        break; // readNBytes stops short only at the end of the content
                    }
                }
            }
            if (write.contentLength() >= 0 && total != write.contentLength()) {
                throw new S3Exception(S3ErrorCode.IncompleteBody, "You did not provide the number of bytes specified by the "
                        + "Content-Length HTTP header (" + total + " of " + write.contentLength() + ")", bucket + "/" + key);
            }
            BlobStore.WrittenBlob blob = writer.finish();
            List<byte[]> sums = side.finish();
            byte[] md5Bytes = md5Wanted ? sums.getFirst() : null;
            String plainSha = encrypted ? HexFormat.of().formatHex(sums.getLast()) : blob.name();
            if (write.expectedMd5() != null && !Base64.getEncoder().encodeToString(md5Bytes).equals(write.expectedMd5())) {
                throw new S3Exception(S3ErrorCode.BadDigest, "The Content-MD5 you specified did not match what we received.", bucket + "/" + key);
            }
            if (write.expectedSha256() != null && !write.expectedSha256().equalsIgnoreCase(plainSha)) {
                throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.", bucket + "/" + key);
            }
            String etag = md5ETag ? HexFormat.of().formatHex(md5Bytes) : plainSha.substring(0, 32);
            return new Written(writer, blob, total, etag, plainSha);
        } catch (IOException e) {
            writer.abort();
            throw new UncheckedIOException("upload of " + bucket + "/" + key + " failed", e);
        } catch (InterruptedException e) {
            writer.abort();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("upload of " + bucket + "/" + key + " was interrupted", e);
        } catch (RuntimeException e) {
            writer.abort();
            throw e;
        }
    }

    /** Opens the segments covering plaintext bytes [start, start + length) one after the other, as they are reached. */
    private Enumeration<InputStream> lazySegments(ObjectVersionRow row, long start, long length, byte[] dataKey) {
        List<long[]> pieces = new ArrayList<>(); // segment index, offset in segment, length
        long segmentStart = 0;
        long end = start + length;
        List<SegmentRow> segments = row.segments();
        for (int i = 0; i < segments.size() && length > 0; i++) {
            long segmentEnd = segmentStart + segments.get(i).plainSize();
            if (segmentEnd > start && segmentStart < end) {
                long from = Math.max(start, segmentStart) - segmentStart;
                long to = Math.min(end, segmentEnd) - segmentStart;
                pieces.add(new long[] {i, from, to - from});
            }
            segmentStart = segmentEnd;
        }
        Iterator<long[]> iterator = pieces.iterator();
        if (pieces.isEmpty()) {
            return Collections.emptyEnumeration();
        }
        return new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return iterator.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!iterator.hasNext()) {
                    throw new NoSuchElementException();
                }
                long[] piece = iterator.next();
                try {
                    return openSegment(segments.get((int) piece[0]), piece[1], piece[2], dataKey);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private InputStream openSegment(SegmentRow segment, long offset, long length, byte[] dataKey) throws IOException {
        String blob = segment.blobSha256();
        long stored = segment.storedSize();
        if (dataKey == null) {
            return blobs.open(blob, stored, offset, length);
        }
        if (offset == 0 && length == segment.plainSize()) {
            InputStream plaintext = ChunkedGcm.decrypt(blobs.open(blob, stored, 0, stored), dataKey, segment.plainSize());
            // Decrypting costs about as much CPU as sending: large objects are decrypted ahead of the request sending them.
            return length >= VerifiedBlobReader.READ_AHEAD_BYTES ? new ReadAheadInputStream(plaintext, DECRYPT_AHEAD_BUFFER) : plaintext;
        }
        long chunk = offset / ChunkedGcm.CHUNK_BYTES;
        byte[] header;
        try (InputStream in = blobs.open(blob, stored, 0, ChunkedGcm.HEADER_BYTES)) {
            header = in.readAllBytes();
        }
        // Just the chunks the range covers: a small range of a large object reads no more than it needs.
        long from = ChunkedGcm.chunkOffset(chunk);
        long to = Math.min(stored, ChunkedGcm.chunkOffset((offset + length - 1) / ChunkedGcm.CHUNK_BYTES + 1));
        InputStream decrypted = ChunkedGcm.decryptFrom(header, blobs.open(blob, stored, from, to - from), dataKey,
                segment.plainSize(), chunk);
        decrypted.skipNBytes(offset - chunk * ChunkedGcm.CHUNK_BYTES);
        return new BoundedInputStream(decrypted, length);
    }

    private ObjectVersionRow readableVersion(String bucket, String key, String versionId) {
        Optional<ObjectVersionRow> row = repository.version(bucket, key, versionId);
        if (row.isEmpty()) {
            headBucket(bucket);
            if (versionId != null) {
                if (!versionId.equals(ObjectVersion.NULL_VERSION) && !versionId.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid version id specified", bucket + "/" + key);
                }
                throw new S3Exception(S3ErrorCode.NoSuchVersion, "The specified version does not exist.", bucket + "/" + key);
            }
            throw S3Exception.noSuchKey(bucket, key);
        }
        ObjectVersionRow found = row.get();
        if (found.deleteMarker()) {
            if (versionId != null) {
                throw new S3Exception(S3ErrorCode.MethodNotAllowed, "The specified method is not allowed against this resource.",
                        bucket + "/" + key, true, found.versionId());
            }
            throw new S3Exception(S3ErrorCode.NoSuchKey, "The specified key does not exist.", bucket + "/" + key, true, found.versionId());
        }
        return found;
    }

    private MultipartUploadRow upload(String bucket, String key, String uploadId) {
        return repository.upload(uploadId).filter(u -> u.bucket().equals(bucket) && u.key().equals(key))
                .orElseThrow(() -> {
                    headBucket(bucket);
                    return noSuchUpload(bucket, key, uploadId);
                });
    }

    private void checkLength(String bucket, String key, long length) {
        if (length > maxObjectBytes) {
            throw tooLarge(bucket, key);
        }
    }

    private S3Exception tooLarge(String bucket, String key) {
        return new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed object size ("
                + maxObjectBytes + " bytes)", bucket + "/" + key);
    }

    private static S3Exception noSuchUpload(String bucket, String key, String uploadId) {
        return new S3Exception(S3ErrorCode.NoSuchUpload, "The specified upload does not exist. The upload ID may be invalid, "
                + "or the upload may have been aborted or completed.", bucket + "/" + key + "?uploadId=" + uploadId);
    }

    private static String commonPrefix(String key, String prefix, String delimiter) {
        if (delimiter == null) {
            return null;
        }
        int at = key.indexOf(delimiter, prefix.length());
        return at < 0 ? null : key.substring(0, at + delimiter.length());
    }

    private static BucketInfo bucketInfo(BucketRow row) {
        return new BucketInfo(row.name(), row.created(), Versioning.fromStatus(row.versioning()));
    }

    private static ObjectVersion toVersion(ObjectVersionRow row) {
        return new ObjectVersion(row.bucket(), row.key(), row.versionId(), row.deleteMarker(), row.latest(), row.size(), row.etag(),
                row.created(), row.contentType(), readMetadata(row.userMetadataJson()), row.contentSha256(),
                row.wrappedKey() == null ? null : row.wrappedKey().keyId(), row.partsCount(),
                SystemMetadata.fromHeaders(readMetadata(row.systemMetadataJson())));
    }

    private static String systemJson(SystemMetadata system) {
        return metadataJson(system.toHeaders());
    }

    static String metadataJson(Map<String, String> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> readMetadata(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newVersionId() {
        return randomId(32);
    }

    static String randomId(int length) {
        char[] id = new char[length];
        for (int i = 0; i < length; i++) {
            id[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
        }
        return new String(id);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static String unquote(String etag) {
        String e = etag.trim();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }
}
