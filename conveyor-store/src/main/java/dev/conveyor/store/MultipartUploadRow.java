package dev.conveyor.store;

import java.time.Instant;

/** A multipart upload in progress: where its object goes and what it will be written with. */
public record MultipartUploadRow(String uploadId, String bucket, String key, String contentType, String userMetadataJson,
                                 WrappedKey wrappedKey, Instant created) {
}
