package dev.conveyor.iam.store;

import java.time.Instant;

public record UserRow(String name, String userId, String path, String arn, Instant createdAt) {
}
