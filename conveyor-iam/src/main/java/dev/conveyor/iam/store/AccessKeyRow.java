package dev.conveyor.iam.store;

import java.time.Instant;

/** A user's long-term access key; {@code status} is Active or Inactive. */
public record AccessKeyRow(String accessKeyId, String userName, String status, SealedSecret secret, Instant createdAt) {
}
