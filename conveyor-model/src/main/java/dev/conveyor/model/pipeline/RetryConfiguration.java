package dev.conveyor.model.pipeline;

/** Automatic retry of a failed stage: FAILED_ACTIONS or ALL_ACTIONS. */
public record RetryConfiguration(String retryMode) {
}
