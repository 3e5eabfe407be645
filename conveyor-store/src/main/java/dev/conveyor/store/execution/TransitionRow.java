package dev.conveyor.store.execution;

import java.time.Instant;

/** The state of a stage transition (Inbound or Outbound) that was disabled or enabled at least once. */
public record TransitionRow(String pipelineName, String stageName, String transitionType, boolean enabled,
                            String reason, String changedBy, Instant changedAt) {
}
