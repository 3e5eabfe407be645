package dev.conveyor.store;

/**
 * One piece of an object version's content: the blob holding it and how many plaintext bytes it contributes.
 * A simple upload has one segment; a multipart upload has one per part, in part order.
 */
public record SegmentRow(String blobSha256, long storedSize, long plainSize) {
}
