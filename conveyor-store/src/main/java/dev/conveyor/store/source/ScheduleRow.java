package dev.conveyor.store.source;

import java.time.Instant;

/** A pipeline's schedule and when it fires next. */
public record ScheduleRow(String pipelineName, String expression, String timeZone, Instant nextFireAt, Instant lastFiredAt,
                          String lastExecutionId) {
}
