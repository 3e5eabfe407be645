package dev.conveyor.server.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.JobRow;
import java.util.Optional;

/**
 * Whose role a job acts as, and for which pipeline (at the version its execution runs): an action's job, the role its
 * action names, else its pipeline's; a stage condition's rule job (no action execution), the role its data names,
 * which is the rule's, else its pipeline's (written there when the rule's job was made, RuleJobs). The one lookup the
 * job gate ({@link JobRoleAuthorization}) and a job's credentials ({@link JobRoleCredentials}) share.
 *
 * @param roleArn the role, null when neither the action (or rule) nor the pipeline names one
 */
record JobRole(String pipelineName, int pipelineVersion, String roleArn) {
    /** The role of {@code job}; empty when its action execution is gone. */
    static Optional<JobRole> of(JobRow job, ExecutionQueries queries) {
        if (job.actionExecutionId() == null) {
            var execution = queries.executionById(job.pipelineExecutionId());
            return Optional.of(new JobRole(execution.pipelineName(), execution.pipelineVersion(),
                    named(read(job.dataJson()).path("roleArn"))));
        }
        ActionExecutionRow action = queries.action(job.actionExecutionId());
        if (action == null) {
            return Optional.empty();
        }
        String roleArn = named(read(action.inputJson() == null ? "{}" : action.inputJson()).path("roleArn"));
        if (roleArn == null) {
            PipelineDeclaration pipeline = queries.declaration(action.pipelineName(), action.pipelineVersion());
            roleArn = pipeline == null || pipeline.roleArn() == null || pipeline.roleArn().isEmpty() ? null : pipeline.roleArn();
        }
        return Optional.of(new JobRole(action.pipelineName(), action.pipelineVersion(), roleArn));
    }

    private static String named(JsonNode value) {
        String text = value.asText("");
        return text.isEmpty() ? null : text;
    }

    static JsonNode read(String json) {
        try {
            return ConveyorJson.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable job data", e);
        }
    }
}
