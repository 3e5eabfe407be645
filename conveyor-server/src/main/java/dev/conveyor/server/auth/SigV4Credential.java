package dev.conveyor.server.auth;

import java.util.Optional;

/**
 * The credential scope of a SigV4-signed request ({@code AKID/20260101/us-east-1/codepipeline/aws4_request}),
 * read from the Authorization header or, for presigned URLs, the X-Amz-Credential query parameter. The service
 * name routes requests that have no X-Amz-Target (S3).
 */
public record SigV4Credential(String accessKeyId, String date, String region, String service) {
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /**
     * Parses an Authorization header. Empty when the header is absent or uses another scheme.
     *
     * @throws IncompleteSignatureException when it claims SigV4 but lacks a well-formed Credential
     */
    public static Optional<SigV4Credential> fromAuthorization(String header) {
        if (header == null || !header.startsWith(ALGORITHM)) {
            return Optional.empty();
        }
        for (String part : header.substring(ALGORITHM.length()).split(",")) {
            String p = part.trim();
            if (p.startsWith("Credential=")) {
                return Optional.of(fromScope(p.substring("Credential=".length())));
            }
        }
        throw new IncompleteSignatureException("Authorization header requires 'Credential' parameter.");
    }

    /** Parses a credential scope string. */
    public static SigV4Credential fromScope(String scope) {
        String[] parts = scope.split("/");
        if (parts.length != 5 || !"aws4_request".equals(parts[4]) || parts[0].isEmpty()) {
            throw new IncompleteSignatureException("Credential should be scoped to a valid region: '" + scope + "'");
        }
        return new SigV4Credential(parts[0], parts[1], parts[2], parts[3]);
    }
}
