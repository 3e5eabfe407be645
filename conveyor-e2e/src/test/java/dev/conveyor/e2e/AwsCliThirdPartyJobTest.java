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
 * The third-party worker of docs/agents-and-job-workers.md ("Third-party jobs and the clientToken"), command for
 * command with the AWS CLI: poll, get the details and nonce, acknowledge, report success, each call carrying the
 * clientId the poll handed out as its client token; a wrong token is refused.
 */
class AwsCliThirdPartyJobTest {
    private static final String ALEXA = "category=Deploy,owner=ThirdParty,provider=AlexaSkillsKit,version=1";

    @TempDir
    Path work;

    @Test
    void theDocumentedWorkerCompletesAThirdPartyJobWithItsClientToken() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            S3Sources.putZip(aws, work, "skill-sources", "skill.zip", "skill.json", "{}");
            Path definition = work.resolve("skill.json");
            Files.writeString(definition, """
                    {"pipeline": {"name": "skill", "roleArn": "arn:aws:iam::111111111111:role/r",
                     "artifactStore": {"type": "S3", "location": "skill-artifacts"},
                     "stages": [
                      {"name": "Source", "actions": [{"name": "Source",
                         "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                         "configuration": {"S3Bucket": "skill-sources", "S3ObjectKey": "skill.zip"},
                         "outputArtifacts": [{"name": "Skill"}]}]},
                      {"name": "Publish", "actions": [{"name": "Publish",
                         "actionTypeId": {"category": "Deploy", "owner": "ThirdParty", "provider": "AlexaSkillsKit", "version": "1"},
                         "configuration": {"ClientId": "amzn1.application-oa2-client.1", "ClientSecret": "s",
                                           "RefreshToken": "r", "SkillId": "amzn1.ask.skill.1"},
                         "inputArtifacts": [{"name": "Skill"}]}]}
                     ]}}""");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            String executionId = Executions.createdExecution(aws, "skill"); // creating the pipeline started it

            JsonNode job = null;
            Instant until = Instant.now().plusSeconds(60);
            while (job == null && Instant.now().isBefore(until)) {
                JsonNode polled = aws.ok("codepipeline", "poll-for-third-party-jobs", "--max-batch-size", "1", "--action-type-id", ALEXA);
                job = polled.get("jobs").isEmpty() ? null : polled.get("jobs").get(0);
            }
            assertThat(job).as("a job was handed out").isNotNull();
            String jobId = job.get("jobId").asText();
            String token = job.get("clientId").asText();

            AwsCli.Result refused = aws.run("codepipeline", "get-third-party-job-details", "--job-id", jobId,
                    "--client-token", "00000000-0000-0000-0000-000000000000");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("InvalidClientTokenException");

            JsonNode details = aws.ok("codepipeline", "get-third-party-job-details", "--job-id", jobId, "--client-token", token);
            assertThat(details.at("/jobDetails/data/actionConfiguration/configuration/SkillId").asText()).isEqualTo("amzn1.ask.skill.1");
            String nonce = details.at("/jobDetails/nonce").asText();
            assertThat(aws.ok("codepipeline", "acknowledge-third-party-job", "--job-id", jobId, "--nonce", nonce,
                    "--client-token", token).get("status").asText()).isEqualTo("InProgress");
            aws.ok("codepipeline", "put-third-party-job-success-result", "--job-id", jobId, "--client-token", token,
                    "--execution-details", "summary=Published,externalExecutionId=skill-v42,percentComplete=100");

            JsonNode execution = Executions.awaitSettled(aws, "skill", executionId, Duration.ofSeconds(60));
            assertThat(execution.get("status").asText()).isEqualTo("Succeeded");
            JsonNode state = aws.ok("codepipeline", "get-pipeline-state", "--name", "skill");
            assertThat(state.at("/stageStates/1/actionStates/0/latestExecution/externalExecutionId").asText()).isEqualTo("skill-v42");
        }
    }
}
