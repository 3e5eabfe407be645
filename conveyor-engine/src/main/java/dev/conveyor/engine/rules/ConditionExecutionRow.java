package dev.conveyor.engine.rules;

import java.time.Instant;

/**
 * One condition of a stage evaluated for one attempt of that stage. {@code conditionType} is BEFORE_ENTRY, ON_SUCCESS
 * or ON_FAILURE; {@code result} the declared result (FAIL, SKIP, ROLLBACK); {@code status} the API's
 * ConditionExecutionStatus (InProgress, Succeeded, Failed, Overridden, Cancelled…).
 */
public record ConditionExecutionRow(String id, String pipelineExecutionId, String pipelineName, String stageName,
                                    int stageAttempt, String conditionType, int conditionIndex, String result,
                                    String status, String summary, Instant startedAt, Instant updatedAt) {
    public static final String BEFORE_ENTRY = "BEFORE_ENTRY";
    public static final String ON_SUCCESS = "ON_SUCCESS";
    public static final String ON_FAILURE = "ON_FAILURE";

    public boolean settled() {
        return !"InProgress".equals(status);
    }

    public ConditionExecutionRow withStatus(String newStatus, String newSummary, Instant now) {
        return new ConditionExecutionRow(id, pipelineExecutionId, pipelineName, stageName, stageAttempt, conditionType,
                conditionIndex, result, newStatus, newSummary, startedAt, now);
    }
}
