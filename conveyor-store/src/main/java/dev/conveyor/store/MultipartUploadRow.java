package dev.conveyor.store;

import java.time.Instant;

/**
 * A multipart upload in progress: where its object goes and what it will be written with ({@code systemMetadataJson}
 * as in {@link ObjectVersionRow}).
 */
public record MultipartUploadRow(String uploadId, String bucket, String key, String contentType, String userMetadataJson,
                                 WrappedKey wrappedKey, Instant created, String systemMetadataJson) {
    /** An upload without system metadata. */
    public MultipartUploadRow(String uploadId, String bucket, String key, String contentType, String userMetadataJson,
                              WrappedKey wrappedKey, Instant created) {
        this(uploadId, bucket, key, contentType, userMetadataJson, wrappedKey, created, null);
    }
}
