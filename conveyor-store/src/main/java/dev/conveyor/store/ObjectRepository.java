package dev.conveyor.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Buckets, object versions (delete markers included), their content segments, multipart uploads and the blob rows
 * their content lives in. Every write is one transaction that first locks the bucket's row, so writes to a bucket
 * are serialised and "latest version" stays exact; blob rows are then locked in digest order, and a blob whose
 * last reference goes away has its file set aside in the transaction and deleted after the commit (restored on
 * rollback) through {@link BlobFiles}.
 *
 * <p>Methods return {@link Optional#empty()} (or a "not found" outcome) when the bucket, version or upload is not
 * there; turning that into an S3 error is the caller's business.
 */
public final class ObjectRepository {
    private static final String VERSION_COLUMNS = "id, bucket, object_key, version_id, is_latest, delete_marker, size, etag, "
            + "content_sha256, content_type, user_metadata, key_id, key_version, wrapped_key, parts_count, created_at, system_metadata";
    private static final int MAX_ATTEMPTS = 5;

    private final Database db;
    private final BlobFiles files;

    public ObjectRepository(Database db, BlobFiles files) {
        this.db = db;
        this.files = files;
    }

    // ---------------------------------------------------------------- buckets

    /** Creates a bucket; false when one of that name exists already. */
    public boolean createBucket(String name, Instant now) {
        return write(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement(
                    "INSERT INTO s3_bucket (name, versioning, created_at) VALUES (?, NULL, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, name);
                s.setLong(2, now.toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }

    public Optional<BucketRow> bucket(String name) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name, versioning, created_at FROM s3_bucket WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(bucketRow(r)) : Optional.empty();
                }
            }
        });
    }

    /** All buckets in name order. */
    public List<BucketRow> buckets() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name, versioning, created_at FROM s3_bucket ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                List<BucketRow> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(bucketRow(r));
                }
                return rows;
            }
        });
    }

    /** What deleting a bucket did. */
    public enum BucketDeletion { DELETED, NOT_FOUND, NOT_EMPTY }

    /** Deletes a bucket that holds no object versions (delete markers included) and no multipart uploads. */
    public BucketDeletion deleteBucket(String name) {
        return write(tx -> {
            if (lockBucket(tx.c, name).isEmpty()) {
                return BucketDeletion.NOT_FOUND;
            }
            if (exists(tx.c, "SELECT 1 FROM s3_object_version WHERE bucket = ?", name)
                    || exists(tx.c, "SELECT 1 FROM s3_multipart_upload WHERE bucket = ?", name)) {
                return BucketDeletion.NOT_EMPTY;
            }
            try (PreparedStatement s = tx.c.prepareStatement("DELETE FROM s3_bucket WHERE name = ?")) {
                s.setString(1, name);
                s.executeUpdate();
            }
            return BucketDeletion.DELETED;
        });
    }

    /** Sets the versioning state ({@link BucketRow#ENABLED} or {@link BucketRow#SUSPENDED}); false when no bucket. */
    public boolean setVersioning(String name, String status) {
        return write(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("UPDATE s3_bucket SET versioning = ? WHERE name = ?")) {
                s.setString(1, status);
                s.setString(2, name);
                return s.executeUpdate() == 1;
            }
        });
    }

    // ---------------------------------------------------------------- object versions

    /**
     * A version about to be written. {@code versionIdIfVersioned} is used when the bucket's versioning is enabled;
     * otherwise the version id is {@code "null"} and replaces the key's previous null version.
     */
    public record NewVersion(String bucket, String key, String versionIdIfVersioned, boolean deleteMarker, long size,
                             String etag, String contentSha256, String contentType, String userMetadataJson,
                             WrappedKey wrappedKey, Integer partsCount, Instant created, List<SegmentRow> segments,
                             String systemMetadataJson) {
        /** A version without system metadata (Cache-Control and the like). */
        public NewVersion(String bucket, String key, String versionIdIfVersioned, boolean deleteMarker, long size, String etag,
                          String contentSha256, String contentType, String userMetadataJson, WrappedKey wrappedKey,
                          Integer partsCount, Instant created, List<SegmentRow> segments) {
            this(bucket, key, versionIdIfVersioned, deleteMarker, size, etag, contentSha256, contentType, userMetadataJson, wrappedKey,
                    partsCount, created, segments, null);
        }
    }

    /**
     * Writes a new version and makes it the latest. With {@code fresh}, the segments' blob files were just
     * written and are placed by it while their rows are locked; with null, they are blobs other versions already
     * use (a copy), which must still exist.
     *
     * @return the stored version, or empty when there is no such bucket
     * @throws IllegalStateException when a reused blob has vanished (its object was deleted meanwhile)
     */
    public Optional<ObjectVersionRow> putVersion(NewVersion version, BlobPlacement fresh) {
        return write(tx -> {
            Optional<BucketRow> bucket = lockBucket(tx.c, version.bucket());
            if (bucket.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(insertVersion(tx, bucket.get(), version, fresh, List.of()));
        });
    }

    /** A version by id, or the latest (possibly a delete marker) when {@code versionId} is null; with segments. */
    public Optional<ObjectVersionRow> version(String bucket, String key, String versionId) {
        return db.read(c -> findVersion(c, bucket, key, versionId));
    }

    /** What a delete did: the version removed for good, and/or the delete marker created. */
    public record Deletion(ObjectVersionRow removed, ObjectVersionRow marker) {
    }

    /**
     * Deletes as S3 does. With a {@code versionId}: removes that version for good (the next newest becomes
     * latest). Without: in a versioned bucket adds a delete marker (id {@code newVersionId}); in a suspended one
     * replaces the null version with a null delete marker; in an unversioned one removes the object.
     *
     * @return empty when there is no such bucket
     */
    public Optional<Deletion> deleteObject(String bucket, String key, String versionId, String newVersionId, Instant now) {
        return write(tx -> {
            Optional<BucketRow> locked = lockBucket(tx.c, bucket);
            if (locked.isEmpty()) {
                return Optional.empty();
            }
            BucketRow b = locked.get();
            if (versionId != null) {
                Optional<ObjectVersionRow> target = findVersion(tx.c, bucket, key, versionId);
                if (target.isEmpty()) {
                    return Optional.of(new Deletion(null, null));
                }
                removeVersions(tx, List.of(target.get()));
                if (target.get().latest()) {
                    promoteNewest(tx.c, bucket, key);
                }
                return Optional.of(new Deletion(target.get(), null));
            }
            if (b.versioning() == null) {
                Optional<ObjectVersionRow> current = findVersion(tx.c, bucket, key, ObjectVersionRow.NULL_VERSION);
                if (current.isPresent()) {
                    removeVersions(tx, List.of(current.get()));
                }
                return Optional.of(new Deletion(current.orElse(null), null));
            }
            NewVersion marker = new NewVersion(bucket, key, newVersionId, true, 0, null, null, null, null, null, null, now, List.of());
            ObjectVersionRow created = insertVersion(tx, b, marker, null, List.of());
            return Optional.of(new Deletion(null, created));
        });
    }

    /**
     * Latest versions that are not delete markers, in key (byte) order, with keys whose UTF-8 bytes are in
     * [{@code from}, {@code below}) (either bound may be null), at most {@code limit}; without segments.
     */
    public List<ObjectVersionRow> listLatest(String bucket, byte[] from, byte[] below, int limit) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + VERSION_COLUMNS
                    + " FROM s3_object_version WHERE bucket = ? AND is_latest = TRUE AND delete_marker = FALSE");
            List<Object> params = new ArrayList<>(List.of(bucket));
            range(sql, params, from, below);
            sql.append(" ORDER BY key_utf8 LIMIT ?");
            params.add(limit);
            return queryVersions(c, sql.toString(), params);
        });
    }

    /**
     * Every version and delete marker with keys in [{@code from}, {@code below}), by key then newest first,
     * continuing after the version with row id {@code afterId} of key {@code afterKey} when both are given.
     */
    public List<ObjectVersionRow> listVersions(String bucket, byte[] from, byte[] below, String afterKey, Long afterId, int limit) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + VERSION_COLUMNS + " FROM s3_object_version WHERE bucket = ?");
            List<Object> params = new ArrayList<>(List.of(bucket));
            range(sql, params, from, below);
            if (afterKey != null && afterId != null) {
                sql.append(" AND (key_utf8 > ? OR (key_utf8 = ? AND id < ?))");
                params.add(utf8(afterKey));
                params.add(utf8(afterKey));
                params.add(afterId);
            }
            sql.append(" ORDER BY key_utf8, id DESC LIMIT ?");
            params.add(limit);
            return queryVersions(c, sql.toString(), params);
        });
    }

    /** True when the bucket holds any object version or delete marker. */
    public boolean hasContent(String bucket) {
        return db.read(c -> exists(c, "SELECT 1 FROM s3_object_version WHERE bucket = ?", bucket));
    }

    /** True when the blob is stored: a row names it (its file may have been set aside by a deletion that did not commit). */
    public boolean blobExists(String sha256) {
        return db.read(c -> exists(c, "SELECT 1 FROM s3_blob WHERE sha256 = ?", sha256));
    }

    // ---------------------------------------------------------------- multipart uploads

    /** Starts a multipart upload; false when there is no such bucket. */
    public boolean createUpload(MultipartUploadRow upload) {
        return write(tx -> {
            if (lockBucket(tx.c, upload.bucket()).isEmpty()) {
                return false;
            }
            try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO s3_multipart_upload (upload_id, bucket, object_key, "
                    + "key_utf8, content_type, user_metadata, key_id, key_version, wrapped_key, created_at, system_metadata) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, upload.uploadId());
                s.setString(2, upload.bucket());
                s.setString(3, upload.key());
                s.setBytes(4, utf8(upload.key()));
                s.setString(5, upload.contentType());
                s.setString(6, upload.userMetadataJson());
                setWrappedKey(s, 7, upload.wrappedKey());
                s.setLong(10, upload.created().toEpochMilli());
                s.setString(11, upload.systemMetadataJson());
                s.executeUpdate();
            }
            return true;
        });
    }

    public Optional<MultipartUploadRow> upload(String uploadId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT upload_id, bucket, object_key, content_type, user_metadata, "
                    + "key_id, key_version, wrapped_key, created_at, system_metadata FROM s3_multipart_upload WHERE upload_id = ?")) {
                s.setString(1, uploadId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(uploadRow(r)) : Optional.empty();
                }
            }
        });
    }

    /** Uploads in progress in a bucket, by key then start time, with keys in [{@code from}, {@code below}). */
    public List<MultipartUploadRow> uploads(String bucket, byte[] from, byte[] below, int limit) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT upload_id, bucket, object_key, content_type, user_metadata, key_id, "
                    + "key_version, wrapped_key, created_at, system_metadata FROM s3_multipart_upload WHERE bucket = ?");
            List<Object> params = new ArrayList<>(List.of(bucket));
            range(sql, params, from, below);
            sql.append(" ORDER BY key_utf8, created_at, upload_id LIMIT ?");
            params.add(limit);
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                bind(s, params);
                List<MultipartUploadRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(uploadRow(r));
                    }
                }
                return rows;
            }
        });
    }

    /**
     * Stores a part (replacing an earlier upload of the same part number); its blob file was just written.
     * False when the upload does not exist (any more).
     */
    public boolean putPart(String uploadId, int partNumber, SegmentRow segment, String etag, Instant now, BlobPlacement fresh) {
        return write(tx -> {
            if (!lockUpload(tx.c, uploadId)) {
                return false;
            }
            Optional<PartRow> previous = parts(tx.c, uploadId).stream().filter(p -> p.partNumber() == partNumber).findFirst();
            TreeSet<String> released = new TreeSet<>();
            previous.ifPresent(p -> released.add(p.segment().blobSha256()));
            lockBlobs(tx, List.of(segment), released, fresh);
            try (PreparedStatement s = tx.c.prepareStatement("DELETE FROM s3_multipart_part WHERE upload_id = ? AND part_number = ?")) {
                s.setString(1, uploadId);
                s.setInt(2, partNumber);
                s.executeUpdate();
            }
            try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO s3_multipart_part (upload_id, part_number, blob_sha256, "
                    + "plain_size, etag, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, uploadId);
                s.setInt(2, partNumber);
                s.setString(3, segment.blobSha256());
                s.setLong(4, segment.plainSize());
                s.setString(5, etag);
                s.setLong(6, now.toEpochMilli());
                s.executeUpdate();
            }
            releaseUnreferenced(tx, released);
            return true;
        });
    }

    /** The parts uploaded so far, by part number. */
    public List<PartRow> parts(String uploadId) {
        return db.read(c -> parts(c, uploadId));
    }

    /**
     * Completes an upload: writes {@code version} (whose segments must be exactly the chosen parts' as
     * {@link #parts} returned them) and removes the upload; parts not chosen are released.
     *
     * @return empty when the upload is gone or its parts changed since they were read (the caller retries or fails)
     */
    public Optional<ObjectVersionRow> completeUpload(String uploadId, NewVersion version) {
        return write(tx -> {
            Optional<BucketRow> bucket = lockBucket(tx.c, version.bucket());
            if (bucket.isEmpty() || !lockUpload(tx.c, uploadId)) {
                return Optional.empty();
            }
            List<PartRow> parts = parts(tx.c, uploadId);
            TreeSet<String> current = new TreeSet<>();
            parts.forEach(p -> current.add(p.segment().blobSha256()));
            for (SegmentRow s : version.segments()) {
                if (!current.contains(s.blobSha256())) {
                    return Optional.empty();
                }
            }
            ObjectVersionRow stored = insertVersion(tx, bucket.get(), version, null, current);
            deleteUpload(tx.c, uploadId);
            releaseUnreferenced(tx, current);
            return Optional.of(stored);
        });
    }

    /** Aborts an upload and releases its parts; false when there was none. */
    public boolean abortUpload(String uploadId) {
        return write(tx -> {
            if (!lockUpload(tx.c, uploadId)) {
                return false;
            }
            TreeSet<String> blobs = new TreeSet<>();
            parts(tx.c, uploadId).forEach(p -> blobs.add(p.segment().blobSha256()));
            lockBlobs(tx, List.of(), blobs, null);
            deleteUpload(tx.c, uploadId);
            releaseUnreferenced(tx, blobs);
            return true;
        });
    }

    // ---------------------------------------------------------------- internals

    /** A write transaction and the blob files it set aside. */
    private static final class Tx {
        final Connection c;
        final List<String[]> setAside = new ArrayList<>();

        Tx(Connection c) {
            this.c = c;
        }
    }

    @FunctionalInterface
    private interface TxWork<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * Runs a write transaction, retrying it when the database reports a deadlock or serialization failure
     * (possible when blob rows are shared between buckets). Files set aside are deleted after the commit and put
     * back after a rollback.
     */
    private <T> T write(TxWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            List<String[]> setAside = new ArrayList<>();
            try {
                T result = db.inTransaction(c -> {
                    Tx tx = new Tx(c);
                    try {
                        return work.run(tx);
                    } finally {
                        setAside.addAll(tx.setAside);
                    }
                });
                setAside.forEach(h -> files.discard(h[1]));
                return result;
            } catch (StoreException e) {
                setAside.forEach(h -> files.restore(h[0], h[1]));
                if (attempt >= MAX_ATTEMPTS || !isTransient(e.getCause())) {
                    throw e;
                }
            } catch (RuntimeException e) {
                setAside.forEach(h -> files.restore(h[0], h[1]));
                throw e;
            }
        }
    }

    private static boolean isTransient(Throwable e) {
        if (!(e instanceof SQLException sql)) {
            return false;
        }
        String state = sql.getSQLState();
        // 40001 serialization failure / H2 deadlock, 40P01 PostgreSQL deadlock, HYT00 H2 lock timeout,
        // 23505 a concurrent insert of the same blob row raced ours; H2 90131 concurrent update.
        return "40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state) || "23505".equals(state)
                || sql.getErrorCode() == 90131;
    }

    /**
     * Inserts a version as the key's latest, replacing the key's null version unless versioning is enabled. Locks
     * (in one digest-ordered pass) the new version's blobs, those of the replaced version and {@code otherBlobs}.
     */
    private ObjectVersionRow insertVersion(Tx tx, BucketRow bucket, NewVersion v, BlobPlacement fresh,
                                           Collection<String> otherBlobs) throws SQLException {
        String versionId = bucket.versioningEnabled() ? v.versionIdIfVersioned() : ObjectVersionRow.NULL_VERSION;
        List<ObjectVersionRow> replaced = new ArrayList<>();
        if (!bucket.versioningEnabled()) {
            findVersion(tx.c, v.bucket(), v.key(), ObjectVersionRow.NULL_VERSION).ifPresent(replaced::add);
        }
        TreeSet<String> released = new TreeSet<>();
        replaced.forEach(r -> r.segments().forEach(s -> released.add(s.blobSha256())));
        TreeSet<String> others = new TreeSet<>(released);
        others.addAll(otherBlobs);
        lockBlobs(tx, v.segments(), others, fresh);
        for (ObjectVersionRow r : replaced) {
            deleteVersionRow(tx.c, r.id());
        }
        try (PreparedStatement s = tx.c.prepareStatement(
                "UPDATE s3_object_version SET is_latest = FALSE WHERE bucket = ? AND object_key = ? AND is_latest = TRUE")) {
            s.setString(1, v.bucket());
            s.setString(2, v.key());
            s.executeUpdate();
        }
        long id;
        boolean marker = v.deleteMarker();
        try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO s3_object_version (bucket, object_key, key_utf8, version_id, "
                + "is_latest, delete_marker, size, etag, content_sha256, content_type, user_metadata, key_id, key_version, "
                + "wrapped_key, parts_count, created_at, system_metadata) VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            s.setString(1, v.bucket());
            s.setString(2, v.key());
            s.setBytes(3, utf8(v.key()));
            s.setString(4, versionId);
            s.setBoolean(5, marker);
            s.setLong(6, v.size());
            s.setString(7, v.etag());
            s.setString(8, v.contentSha256());
            s.setString(9, v.contentType());
            s.setString(10, v.userMetadataJson());
            setWrappedKey(s, 11, v.wrappedKey());
            if (v.partsCount() == null) {
                s.setNull(14, Types.INTEGER);
            } else {
                s.setInt(14, v.partsCount());
            }
            s.setLong(15, v.created().toEpochMilli());
            s.setString(16, v.systemMetadataJson());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        if (!v.segments().isEmpty()) {
            try (PreparedStatement s = tx.c.prepareStatement(
                    "INSERT INTO s3_object_segment (version_row, position, blob_sha256, plain_size) VALUES (?, ?, ?, ?)")) {
                int position = 0;
                for (SegmentRow segment : v.segments()) {
                    s.setLong(1, id);
                    s.setInt(2, position++);
                    s.setString(3, segment.blobSha256());
                    s.setLong(4, segment.plainSize());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        releaseUnreferenced(tx, released);
        return new ObjectVersionRow(id, v.bucket(), v.key(), versionId, true, marker, v.size(), v.etag(), v.contentSha256(),
                v.contentType(), v.userMetadataJson(), v.wrappedKey(), v.partsCount(), v.created(), List.copyOf(v.segments()),
                v.systemMetadataJson());
    }

    /**
     * Locks the rows of the given blobs in digest order: with {@code fresh}, the {@code ensure}d blobs are created
     * when missing and their files placed; without, they must exist. The others ({@code existing}) are locked as
     * they are.
     */
    private void lockBlobs(Tx tx, List<SegmentRow> ensure, Collection<String> existing, BlobPlacement fresh) throws SQLException {
        TreeMap<String, SegmentRow> ensured = new TreeMap<>();
        ensure.forEach(s -> ensured.put(s.blobSha256(), s));
        TreeSet<String> all = new TreeSet<>(existing);
        all.addAll(ensured.keySet());
        for (String sha : all) {
            SegmentRow segment = ensured.get(sha);
            if (segment != null && fresh != null) {
                try (PreparedStatement s = tx.c.prepareStatement(
                        "INSERT INTO s3_blob (sha256, stored_size) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                    s.setString(1, sha);
                    s.setLong(2, segment.storedSize());
                    s.executeUpdate();
                }
            }
            try (PreparedStatement s = tx.c.prepareStatement("SELECT sha256 FROM s3_blob WHERE sha256 = ? FOR UPDATE")) {
                s.setString(1, sha);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next() && segment != null) {
                        throw new IllegalStateException("blob " + sha + " is gone: its object was deleted meanwhile");
                    }
                }
            }
            if (segment != null && fresh != null) {
                fresh.place(sha);
            }
        }
    }

    /** Removes blobs (already locked) that nothing refers to any more, setting their files aside. */
    private void releaseUnreferenced(Tx tx, Collection<String> blobs) throws SQLException {
        for (String sha : blobs) {
            if (exists(tx.c, "SELECT 1 FROM s3_object_segment WHERE blob_sha256 = ?", sha)
                    || exists(tx.c, "SELECT 1 FROM s3_multipart_part WHERE blob_sha256 = ?", sha)) {
                continue;
            }
            try (PreparedStatement s = tx.c.prepareStatement("DELETE FROM s3_blob WHERE sha256 = ?")) {
                s.setString(1, sha);
                if (s.executeUpdate() == 1) {
                    tx.setAside.add(new String[] {sha, files.setAside(sha)});
                }
            }
        }
    }

    private void removeVersions(Tx tx, List<ObjectVersionRow> versions) throws SQLException {
        TreeSet<String> blobs = new TreeSet<>();
        versions.forEach(v -> v.segments().forEach(s -> blobs.add(s.blobSha256())));
        lockBlobs(tx, List.of(), blobs, null);
        for (ObjectVersionRow v : versions) {
            deleteVersionRow(tx.c, v.id());
        }
        releaseUnreferenced(tx, blobs);
    }

    /**
     * Removes the given versions of a bucket for good (retention, and emptying buckets), promoting the next newest
     * version of each key whose latest was removed. Returns how many were removed.
     */
    public int removeVersions(String bucket, List<String[]> keysAndVersionIds) {
        return write(tx -> {
            if (lockBucket(tx.c, bucket).isEmpty()) {
                return 0;
            }
            List<ObjectVersionRow> found = new ArrayList<>();
            for (String[] kv : keysAndVersionIds) {
                findVersion(tx.c, bucket, kv[0], kv[1]).ifPresent(found::add);
            }
            removeVersions(tx, found);
            for (ObjectVersionRow v : found) {
                if (v.latest()) {
                    promoteNewest(tx.c, bucket, v.key());
                }
            }
            return found.size();
        });
    }

    private static void deleteVersionRow(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM s3_object_segment WHERE version_row = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM s3_object_version WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

    private static void promoteNewest(Connection c, String bucket, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE s3_object_version SET is_latest = TRUE WHERE id = "
                + "(SELECT MAX(id) FROM s3_object_version WHERE bucket = ? AND object_key = ?)")) {
            s.setString(1, bucket);
            s.setString(2, key);
            s.executeUpdate();
        }
    }

    private static void deleteUpload(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM s3_multipart_part WHERE upload_id = ?")) {
            s.setString(1, uploadId);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM s3_multipart_upload WHERE upload_id = ?")) {
            s.setString(1, uploadId);
            s.executeUpdate();
        }
    }

    private static Optional<BucketRow> lockBucket(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT name, versioning, created_at FROM s3_bucket WHERE name = ? FOR UPDATE")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(bucketRow(r)) : Optional.empty();
            }
        }
    }

    private static boolean lockUpload(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT upload_id FROM s3_multipart_upload WHERE upload_id = ? FOR UPDATE")) {
            s.setString(1, uploadId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static List<PartRow> parts(Connection c, String uploadId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT p.part_number, p.blob_sha256, b.stored_size, p.plain_size, p.etag, "
                + "p.created_at FROM s3_multipart_part p JOIN s3_blob b ON b.sha256 = p.blob_sha256 WHERE p.upload_id = ? "
                + "ORDER BY p.part_number")) {
            s.setString(1, uploadId);
            List<PartRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new PartRow(r.getInt(1), new SegmentRow(r.getString(2), r.getLong(3), r.getLong(4)),
                            r.getString(5), Instant.ofEpochMilli(r.getLong(6))));
                }
            }
            return rows;
        }
    }

    private static Optional<ObjectVersionRow> findVersion(Connection c, String bucket, String key, String versionId) throws SQLException {
        String sql = "SELECT " + VERSION_COLUMNS + " FROM s3_object_version WHERE bucket = ? AND object_key = ? AND "
                + (versionId == null ? "is_latest = TRUE" : "version_id = ?");
        List<Object> params = new ArrayList<>(List.of(bucket, key));
        if (versionId != null) {
            params.add(versionId);
        }
        List<ObjectVersionRow> rows = queryVersions(c, sql, params);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        ObjectVersionRow row = rows.getFirst();
        try (PreparedStatement s = c.prepareStatement("SELECT g.blob_sha256, b.stored_size, g.plain_size FROM s3_object_segment g "
                + "JOIN s3_blob b ON b.sha256 = g.blob_sha256 WHERE g.version_row = ? ORDER BY g.position")) {
            s.setLong(1, row.id());
            List<SegmentRow> segments = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    segments.add(new SegmentRow(r.getString(1), r.getLong(2), r.getLong(3)));
                }
            }
            return Optional.of(row.withSegments(segments));
        }
    }

    private static List<ObjectVersionRow> queryVersions(Connection c, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            List<ObjectVersionRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String keyId = r.getString(12);
                    WrappedKey wrapped = keyId == null ? null : new WrappedKey(keyId, r.getInt(13), r.getString(14));
                    int parts = r.getInt(15);
                    Integer partsCount = r.wasNull() ? null : parts;
                    rows.add(new ObjectVersionRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5),
                            r.getBoolean(6), r.getLong(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11),
                            wrapped, partsCount, Instant.ofEpochMilli(r.getLong(16)), List.of(), r.getString(17)));
                }
            }
            return rows;
        }
    }

    private static void range(StringBuilder sql, List<Object> params, byte[] from, byte[] below) {
        if (from != null) {
            sql.append(" AND key_utf8 >= ?");
            params.add(from);
        }
        if (below != null) {
            sql.append(" AND key_utf8 < ?");
            params.add(below);
        }
    }

    private static void bind(PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case String str -> s.setString(i + 1, str);
                case byte[] bytes -> s.setBytes(i + 1, bytes);
                case Integer n -> s.setInt(i + 1, n);
                case Long n -> s.setLong(i + 1, n);
                default -> throw new IllegalArgumentException("unsupported parameter " + p);
            }
        }
    }

    private static boolean exists(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql + " LIMIT 1")) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static void setWrappedKey(PreparedStatement s, int index, WrappedKey key) throws SQLException {
        if (key == null) {
            s.setNull(index, Types.VARCHAR);
            s.setNull(index + 1, Types.INTEGER);
            s.setNull(index + 2, Types.VARCHAR);
        } else {
            s.setString(index, key.keyId());
            s.setInt(index + 1, key.keyVersion());
            s.setString(index + 2, key.wrapped());
        }
    }

    private static BucketRow bucketRow(ResultSet r) throws SQLException {
        return new BucketRow(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)));
    }

    private static MultipartUploadRow uploadRow(ResultSet r) throws SQLException {
        String keyId = r.getString(6);
        WrappedKey wrapped = keyId == null ? null : new WrappedKey(keyId, r.getInt(7), r.getString(8));
        return new MultipartUploadRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), wrapped,
                Instant.ofEpochMilli(r.getLong(9)), r.getString(10));
    }

    /** A key's bytes as the database orders them. */
    public static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
