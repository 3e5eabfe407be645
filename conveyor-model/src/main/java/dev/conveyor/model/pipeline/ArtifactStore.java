package dev.conveyor.model.pipeline;

/** Where a pipeline keeps its artifacts: a bucket ({@code location}) of type S3, optionally encrypted. */
public record ArtifactStore(String type, String location, EncryptionKey encryptionKey) {
}
