package dev.conveyor.iam.store;

import java.time.Instant;

/** Temporary credentials of a role session; the session token is kept only as its SHA-256 (hex). */
public record SessionRow(String accessKeyId, String roleName, String roleId, String sessionName, String sessionTokenHash,
                         SealedSecret secret, Instant expiresAt, Instant createdAt) {
}
