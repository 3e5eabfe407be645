package dev.conveyor.artifacts.object;

/** A part named in CompleteMultipartUpload: its number and the ETag the client got for it. */
public record CompletedPart(int partNumber, String etag) {
}
