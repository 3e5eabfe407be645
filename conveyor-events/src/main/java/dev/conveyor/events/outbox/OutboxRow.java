package dev.conveyor.events.outbox;

import java.time.Instant;

/**
 * One outbox row: an event ({@link #EVENT}: {@code body} is the EventBridge event) or a message for an SNS topic
 * ({@link #PUBLISH}: {@code body} is the message, or with {@code subject}'s structure a JSON object of messages per
 * protocol). {@code seq} orders rows; per pipeline it is also the order of commit (the pipeline's lock is held).
 */
public record OutboxRow(long seq, String eventId, String kind, String pipelineName, String executionId, String detailType,
                        String topicArn, String subject, String body, Instant createdAt) {
    public static final String EVENT = "EVENT";
    public static final String PUBLISH = "PUBLISH";
}
