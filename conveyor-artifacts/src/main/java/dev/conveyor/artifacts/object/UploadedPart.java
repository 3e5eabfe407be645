package dev.conveyor.artifacts.object;

import java.time.Instant;

/** A part of a multipart upload: its number, quoted ETag (MD5 of its content), size and upload time. */
public record UploadedPart(int partNumber, String etag, long size, Instant lastModified) {
}
