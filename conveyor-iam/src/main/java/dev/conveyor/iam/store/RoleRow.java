package dev.conveyor.iam.store;

import java.time.Instant;

/** A role; {@code assumeRolePolicy} is its trust policy document as given. */
public record RoleRow(String name, String roleId, String path, String arn, String assumeRolePolicy, String description,
                      int maxSessionSeconds, Instant createdAt) {
}
