package dev.conveyor.artifacts.object;

import java.util.Map;

/**
 * What an object is written with besides its content.
 *
 * @param contentLength   the plaintext length when announced (Content-Length), or -1 when unknown
 * @param contentType     the Content-Type to store, or null
 * @param userMetadata    {@code x-amz-meta-*} values by lower-case name (without the prefix)
 * @param encryptionKeyId a keyring key id, alias or KMS ARN to encrypt with, or null to store plaintext
 * @param expectedMd5     Content-MD5 (base64) to verify, or null
 * @param expectedSha256  the hex sha256 of the content to verify (x-amz-content-sha256), or null
 * @param system          Cache-Control, Content-Disposition and the other system metadata to store with it
 */
public record ObjectWrite(long contentLength, String contentType, Map<String, String> userMetadata, String encryptionKeyId,
                          String expectedMd5, String expectedSha256, SystemMetadata system) {
    public ObjectWrite {
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
        system = system == null ? SystemMetadata.NONE : system;
    }

    /** A write without system metadata. */
    public ObjectWrite(long contentLength, String contentType, Map<String, String> userMetadata, String encryptionKeyId,
                       String expectedMd5, String expectedSha256) {
        this(contentLength, contentType, userMetadata, encryptionKeyId, expectedMd5, expectedSha256, SystemMetadata.NONE);
    }

    /** A plain write of content of unknown length with no metadata. */
    public static ObjectWrite plain() {
        return new ObjectWrite(-1, null, Map.of(), null, null, null);
    }

    public ObjectWrite withLength(long length) {
        return new ObjectWrite(length, contentType, userMetadata, encryptionKeyId, expectedMd5, expectedSha256, system);
    }

    public ObjectWrite withEncryptionKey(String keyId) {
        return new ObjectWrite(contentLength, contentType, userMetadata, keyId, expectedMd5, expectedSha256, system);
    }

    public ObjectWrite withContentType(String type) {
        return new ObjectWrite(contentLength, type, userMetadata, encryptionKeyId, expectedMd5, expectedSha256, system);
    }

    public ObjectWrite withSystem(SystemMetadata metadata) {
        return new ObjectWrite(contentLength, contentType, userMetadata, encryptionKeyId, expectedMd5, expectedSha256, metadata);
    }
}
