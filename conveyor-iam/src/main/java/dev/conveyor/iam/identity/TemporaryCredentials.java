package dev.conveyor.iam.identity;

import java.time.Instant;

/** AssumeRole's answer: credentials valid until {@code expiration}, for the role session {@code principal}. */
public record TemporaryCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration,
                                   Principal.AssumedRole principal) {
    @Override
    public String toString() {
        return "TemporaryCredentials[" + accessKeyId + ", " + principal.arn() + ", until " + expiration + "]";
    }
}
