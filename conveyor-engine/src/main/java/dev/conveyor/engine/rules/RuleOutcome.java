package dev.conveyor.engine.rules;

import java.time.Instant;

/** What a rule provider answers about one rule execution. */
public sealed interface RuleOutcome {
    record Succeeded(String summary, String externalExecutionId, String externalExecutionUrl) implements RuleOutcome {
    }

    /** The rule failed; {@code code} is the API's error code (JobFailed, ConfigurationError…). */
    record Failed(String code, String message, String externalExecutionId, String externalExecutionUrl) implements RuleOutcome {
    }

    /** Not decided yet: look again at {@code nextCheckAt}, with {@code state} (the provider's own, JSON or plain text). */
    record Waiting(Instant nextCheckAt, String summary, String state, String externalExecutionId,
                   String externalExecutionUrl) implements RuleOutcome {
    }

    static RuleOutcome succeeded(String summary) {
        return new Succeeded(summary, null, null);
    }

    static RuleOutcome failed(String message) {
        return new Failed("JobFailed", message, null, null);
    }

    static RuleOutcome configurationError(String message) {
        return new Failed("ConfigurationError", message, null, null);
    }
}
