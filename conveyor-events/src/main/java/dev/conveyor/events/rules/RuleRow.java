package dev.conveyor.events.rules;

import java.time.Instant;

/** An EventBridge rule as stored (on the default event bus). */
public record RuleRow(String name, String arn, String eventPattern, String scheduleExpression, String state, String description,
                      String roleArn, Instant createdAt, Instant lastFiredAt) {
    public boolean enabled() {
        return "ENABLED".equals(state);
    }
}
