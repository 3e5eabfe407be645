package dev.conveyor.model.pipeline;

/** A key that encrypts a pipeline's artifacts: a key id or alias, of type KMS. */
public record EncryptionKey(String id, String type) {
}
