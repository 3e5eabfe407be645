package dev.conveyor.store.execution;

import dev.conveyor.model.execution.ActionExecutionStatus;
import java.time.Instant;

/**
 * One run of an action. {@code inputJson} and {@code outputJson} are the API's ActionExecutionInput and
 * ActionExecutionOutput shapes, so ListActionExecutions returns them as stored. {@code deadlineAt} is when the
 * action times out; {@code token} is a manual approval's token.
 */
public record ActionExecutionRow(
        String id,
        String pipelineExecutionId,
        String pipelineName,
        int pipelineVersion,
        String stageName,
        String actionName,
        int stageAttempt,
        int runOrder,
        ActionExecutionStatus status,
        String inputJson,
        String outputJson,
        String summary,
        String errorCode,
        String errorMessage,
        String externalExecutionId,
        String externalExecutionUrl,
        Integer percentComplete,
        String token,
        String updatedBy,
        Instant deadlineAt,
        Instant startedAt,
        Instant updatedAt) {

    /** The action settled: its status, output, summary and error (both null on success). */
    public ActionExecutionRow settled(ActionExecutionStatus newStatus, String output, String newSummary,
                                      String code, String message, String by, Instant now) {
        return new ActionExecutionRow(id, pipelineExecutionId, pipelineName, pipelineVersion, stageName, actionName,
                stageAttempt, runOrder, newStatus, inputJson, output, newSummary, code, message, externalExecutionId,
                externalExecutionUrl, percentComplete, token, by, deadlineAt, startedAt, now);
    }

    /** Progress reported by a worker while the action runs. */
    public ActionExecutionRow withProgress(String newSummary, String externalId, String externalUrl, Integer percent, Instant now) {
        return new ActionExecutionRow(id, pipelineExecutionId, pipelineName, pipelineVersion, stageName, actionName,
                stageAttempt, runOrder, status, inputJson, outputJson, newSummary == null ? summary : newSummary, errorCode,
                errorMessage, externalId == null ? externalExecutionId : externalId,
                externalUrl == null ? externalExecutionUrl : externalUrl, percent == null ? percentComplete : percent,
                token, updatedBy, deadlineAt, startedAt, now);
    }
}
