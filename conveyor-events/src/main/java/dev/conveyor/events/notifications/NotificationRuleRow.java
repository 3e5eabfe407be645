package dev.conveyor.events.notifications;

import java.time.Instant;

/** A notification rule as stored; {@code eventTypeIds}, {@code targets} and {@code tags} are JSON. */
public record NotificationRuleRow(String arn, String name, String resource, String detailType, String eventTypeIds, String targets,
                                  String status, String tags, String createdBy, Instant createdAt, Instant updatedAt) {
}
