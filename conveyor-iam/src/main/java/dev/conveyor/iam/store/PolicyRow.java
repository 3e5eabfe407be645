package dev.conveyor.iam.store;

import java.time.Instant;

/** A managed policy and how many users and roles it is attached to. */
public record PolicyRow(String arn, String name, String policyId, String path, String description, String defaultVersionId,
                        int attachmentCount, Instant createdAt, Instant updatedAt) {
}
