/**
 * Encryption at rest: the local {@link dev.conveyor.artifacts.crypto.Keyring} (KMS-style keys, aliases, rotation)
 * and {@link dev.conveyor.artifacts.crypto.ChunkedGcm}, the streaming AES-256-GCM format of encrypted objects.
 * Plaintext keys never leave memory; nothing here knows about buckets or HTTP.
 */
package dev.conveyor.artifacts.crypto;
