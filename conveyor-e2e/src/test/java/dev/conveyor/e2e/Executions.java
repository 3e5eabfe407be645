package dev.conveyor.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** Waiting on pipeline executions through the AWS CLI, as a user watching one would. */
final class Executions {
    private Executions() {
    }

    /** The execution ({@code get-pipeline-execution}'s pipelineExecution) once it is neither InProgress nor Stopping. */
    static JsonNode awaitSettled(AwsCli aws, String pipeline, String id, Duration timeout) throws Exception {
        Instant until = Instant.now().plus(timeout);
        while (true) {
            JsonNode execution = aws.ok("codepipeline", "get-pipeline-execution", "--pipeline-name", pipeline,
                    "--pipeline-execution-id", id).get("pipelineExecution");
            String status = execution.get("status").asText();
            if (!status.equals("InProgress") && !status.equals("Stopping")) {
                return execution;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("execution " + id + " still " + status + " after " + timeout);
            }
            Thread.sleep(250);
        }
    }

    /** The id of the execution that creating the pipeline started (trigger CreatePipeline), as CodePipeline starts one. */
    static String createdExecution(AwsCli aws, String pipeline) throws Exception {
        for (JsonNode e : aws.ok("codepipeline", "list-pipeline-executions", "--pipeline-name", pipeline).get("pipelineExecutionSummaries")) {
            if ("CreatePipeline".equals(e.at("/trigger/triggerType").asText())) {
                return e.get("pipelineExecutionId").asText();
            }
        }
        throw new AssertionError("creating " + pipeline + " started no execution");
    }
}
