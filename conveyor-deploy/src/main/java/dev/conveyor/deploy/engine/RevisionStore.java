package dev.conveyor.deploy.engine;

import java.io.InputStream;
import java.util.Optional;

/**
 * Where S3 revisions are read from: the server's own object store (its S3 endpoint, local or external). Deployments
 * pin the version and ETag they found at creation, so every target installs the same bytes.
 */
public interface RevisionStore {
    /** One object version. */
    record Head(String versionId, String eTag, long size) {
    }

    /** The object's version {@code versionId} (latest when null), or empty when bucket, key or version is missing. */
    Optional<Head> head(String bucket, String key, String versionId);

    /** The content of that version. */
    InputStream open(String bucket, String key, String versionId);
}
