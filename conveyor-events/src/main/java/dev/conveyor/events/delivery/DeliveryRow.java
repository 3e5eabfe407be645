package dev.conveyor.events.delivery;

import java.time.Instant;

/**
 * One delivery of an outbox row to one subscriber. {@code attributes} is JSON: what the kind needs besides the payload
 * (topic and subscription ARNs, SNS message id and timestamp, subject, signing secret). {@code status} is Pending,
 * Delivered or Dead.
 */
public record DeliveryRow(String id, long outboxSeq, String eventId, String subscriberId, String lane, String kind, String endpoint,
                          String payload, String attributes, String status, int attempts, Instant nextAttemptAt, String lastError,
                          Instant createdAt, Instant deliveredAt) {
    public static final String PENDING = "Pending";
    public static final String DELIVERED = "Delivered";
    public static final String DEAD = "Dead";
}
