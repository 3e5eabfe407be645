package dev.conveyor.iam.store;

import java.time.Instant;

public record PolicyVersionRow(String policyArn, String versionId, String document, boolean isDefault, Instant createdAt) {
}
