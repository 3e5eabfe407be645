package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's custom action, with nothing but the AWS CLI: create-custom-action-type, a pipeline that uses it,
 * and a job worker that is the CLI itself (poll-for-jobs, acknowledge-job, put-job-success-result); the type's URL
 * templates fill the links get-pipeline-state shows.
 */
class AwsCliCustomActionTest {
    @TempDir
    Path work;

    @Test
    void theAwsCliRegistersACustomActionAndServesItsJob() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            aws.ok("codepipeline", "create-custom-action-type", "--category", "Test", "--provider", "SmokeCheck", "--action-version", "1",
                    "--configuration-properties", "name=Environment,required=true,key=true,secret=false,queryable=true,type=String",
                    "name=Url,required=true,key=false,secret=false,queryable=false,type=String",
                    "--input-artifact-details", "minimumCount=0,maximumCount=1",
                    "--output-artifact-details", "minimumCount=0,maximumCount=0",
                    "--settings", "{\"entityUrlTemplate\": \"https://checks.example.com/{Config:Environment}\","
                            + " \"executionUrlTemplate\": \"https://checks.example.com/{Config:Environment}/runs/{ExternalExecutionId}\"}");
            JsonNode types = aws.ok("codepipeline", "list-action-types", "--action-owner-filter", "Custom");
            assertThat(types.at("/actionTypes/0/id/provider").asText()).isEqualTo("SmokeCheck");

            S3Sources.putZip(aws, work, "smoke-sources", "site.zip", "index.html", "<h1>hi</h1>");
            Path definition = work.resolve("smoke.json");
            Files.writeString(definition, """
                    {"pipeline": {"name": "smoke", "roleArn": "arn:aws:iam::111111111111:role/r",
                     "artifactStore": {"type": "S3", "location": "smoke-artifacts"},
                     "stages": [
                      {"name": "Source", "actions": [{"name": "Source",
                         "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                         "configuration": {"S3Bucket": "smoke-sources", "S3ObjectKey": "site.zip"},
                         "outputArtifacts": [{"name": "Site"}]}]},
                      {"name": "Check", "actions": [{"name": "Smoke",
                         "actionTypeId": {"category": "Test", "owner": "Custom", "provider": "SmokeCheck", "version": "1"},
                         "configuration": {"Environment": "staging", "Url": "https://staging.example.com"},
                         "inputArtifacts": [{"name": "Site"}]}]}
                     ]}}""");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            String executionId = Executions.createdExecution(aws, "smoke"); // creating the pipeline started it

            JsonNode job = null;
            Instant until = Instant.now().plusSeconds(60);
            while (job == null && Instant.now().isBefore(until)) {
                JsonNode polled = aws.ok("codepipeline", "poll-for-jobs", "--action-type-id",
                        "category=Test,owner=Custom,provider=SmokeCheck,version=1", "--max-batch-size", "1", "--query-param", "Environment=staging");
                job = polled.get("jobs").isEmpty() ? null : polled.get("jobs").get(0);
            }
            assertThat(job).as("a job was handed out").isNotNull();
            assertThat(job.at("/data/actionConfiguration/configuration/Url").asText()).isEqualTo("https://staging.example.com");
            assertThat(job.at("/data/artifactCredentials/accessKeyId").asText()).startsWith("ASIA");
            String jobId = job.get("id").asText();
            assertThat(aws.ok("codepipeline", "acknowledge-job", "--job-id", jobId, "--nonce", job.get("nonce").asText())
                    .get("status").asText()).isEqualTo("InProgress");
            aws.ok("codepipeline", "put-job-success-result", "--job-id", jobId,
                    "--execution-details", "summary=smoke test passed,externalExecutionId=check-1,percentComplete=100",
                    "--output-variables", "Status=green");

            JsonNode execution = Executions.awaitSettled(aws, "smoke", executionId, Duration.ofSeconds(60));
            assertThat(execution.get("status").asText()).isEqualTo("Succeeded");
            JsonNode state = aws.ok("codepipeline", "get-pipeline-state", "--name", "smoke");
            assertThat(state.at("/stageStates/1/actionStates/0/latestExecution/summary").asText()).isEqualTo("smoke test passed");
            // The type's URL templates, filled with the action's configuration and the worker's external id.
            assertThat(state.at("/stageStates/1/actionStates/0/entityUrl").asText()).isEqualTo("https://checks.example.com/staging");
            assertThat(state.at("/stageStates/1/actionStates/0/latestExecution/externalExecutionUrl").asText())
                    .isEqualTo("https://checks.example.com/staging/runs/check-1");
        }
    }
}
