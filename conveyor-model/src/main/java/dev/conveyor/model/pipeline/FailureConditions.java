package dev.conveyor.model.pipeline;

import java.util.List;

/** What a stage does when it fails: a result (ROLLBACK, RETRY…), retry settings, or conditions. */
public record FailureConditions(String result, RetryConfiguration retryConfiguration, List<Condition> conditions) {
}
