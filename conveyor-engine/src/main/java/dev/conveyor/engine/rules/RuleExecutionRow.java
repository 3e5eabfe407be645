package dev.conveyor.engine.rules;

import java.time.Instant;

/**
 * One run of a rule of a condition. {@code inputJson} is the API's RuleExecutionInput, {@code outputJson} its
 * RuleExecutionOutput once settled; {@code providerState} is what a waiting provider keeps between looks (a build
 * id, when an alarm's wait began), {@code nextCheckAt} when it is looked at again.
 */
public record RuleExecutionRow(String id, String conditionExecutionId, String pipelineExecutionId, String pipelineName,
                               int pipelineVersion, String stageName, String ruleName, String provider, String status,
                               String inputJson, String outputJson, String summary, String errorCode, String errorMessage,
                               String externalExecutionId, String externalExecutionUrl, String providerState,
                               Instant nextCheckAt, Instant deadlineAt, Instant startedAt, Instant updatedAt) {
    public boolean settled() {
        return !"InProgress".equals(status);
    }

    public RuleExecutionRow settle(String newStatus, String newOutput, String newSummary, String code, String message,
                                   String externalId, String externalUrl, Instant now) {
        return new RuleExecutionRow(id, conditionExecutionId, pipelineExecutionId, pipelineName, pipelineVersion, stageName,
                ruleName, provider, newStatus, inputJson, newOutput, newSummary, code, message, externalId, externalUrl, providerState,
                null, deadlineAt, startedAt, now);
    }

    public RuleExecutionRow waiting(String newSummary, String state, String externalId, String externalUrl, Instant next, Instant now) {
        return new RuleExecutionRow(id, conditionExecutionId, pipelineExecutionId, pipelineName, pipelineVersion, stageName,
                ruleName, provider, status, inputJson, outputJson, newSummary, errorCode, errorMessage,
                externalId == null ? externalExecutionId : externalId, externalUrl == null ? externalExecutionUrl : externalUrl,
                state, next, deadlineAt, startedAt, now);
    }
}
