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
        String credential = parameter(header, "Credential=");
        if (credential == null) {
            throw new IncompleteSignatureException("Authorization header requires 'Credential' parameter.");
        }
        return Optional.of(fromScope(credential));
    }

    /**
     * The value of one comma-separated parameter of a SigV4 Authorization header ({@code name} with its {@code =}),
     * trimmed; null when absent. Read in place, without splitting the header: every signed request reads it (issue 20:
     * allocation per request).
     */
    static String parameter(String header, String name) {
        int from = ALGORITHM.length();
        int length = header.length();
        while (from < length) {
            int comma = header.indexOf(',', from);
            int end = comma < 0 ? length : comma;
            int start = from;
            while (start < end && header.charAt(start) <= ' ') {
                start++;
            }
            if (header.startsWith(name, start)) {
                int stop = end;
                while (stop > start && header.charAt(stop - 1) <= ' ') {
                    stop--;
                }
                return header.substring(start + name.length(), Math.max(stop, start + name.length()));
            }
            from = end + 1;
        }
        return null;
    }

    /** Parses a credential scope string. */
    public static SigV4Credential fromScope(String scope) {
        int a = scope.indexOf('/');
        int b = a < 0 ? -1 : scope.indexOf('/', a + 1);
        int c = b < 0 ? -1 : scope.indexOf('/', b + 1);
        int d = c < 0 ? -1 : scope.indexOf('/', c + 1);
        if (a <= 0 || d < 0 || scope.indexOf('/', d + 1) >= 0 || !scope.startsWith("aws4_request", d + 1)
                || scope.length() != d + 1 + "aws4_request".length()) {
            throw new IncompleteSignatureException("Credential should be scoped to a valid region: '" + scope + "'");
        }
        return new SigV4Credential(scope.substring(0, a), scope.substring(a + 1, b), scope.substring(b + 1, c), scope.substring(c + 1, d));
    }
}
