package dev.conveyor.functions.code;

/** A code zip kept by the {@link CodeStore}: its SHA-256 as hex (the file name) and base64 (Lambda's CodeSha256), and size. */
public record StoredCode(String sha256Hex, String sha256Base64, long size) {
}
