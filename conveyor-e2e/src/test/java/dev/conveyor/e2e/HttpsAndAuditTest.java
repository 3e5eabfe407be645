package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The packaged server over HTTPS only, with the certificate it makes on first start: the unmodified AWS CLI with
 * {@code --ca-bundle} (an SSE-KMS upload included), a remote agent given {@code --ca-bundle} running a pipeline's
 * build, and the AWS CLI without the bundle refused. Then the audit trail as {@code aws cloudtrail lookup-events}
 * and {@code conveyor audit} show it, with a secret put through SSM nowhere in it.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class HttpsAndAuditTest {
    private static final String SECRET = "e2e-secret-value-31337";

    @TempDir
    Path work;

    @Test
    void awsCliAndARemoteAgentWorkOverHttpsWithTheCaBundle() throws Exception {
        Path dataDir = work.resolve("data");
        Path caBundle = dataDir.resolve("tls/ca.pem");
        try (ConveyorProcess server = ConveyorProcess.start(dataDir, "--tls", "--https-port", "0", "--no-http", "--no-embedded-agent");
             AgentProcess agent = AgentProcess.start(server.endpoint(), "tls-agent", work.resolve("agent"), "--ca-bundle", caBundle.toString())) {
            assertThat(server.endpoint()).startsWith("https://127.0.0.1:");
            assertThat(server.output()).contains("SHA-256 fingerprint").contains("aws --ca-bundle " + caBundle);

            AwsCli aws = new AwsCli(server.endpoint(), work, List.of("--ca-bundle", caBundle.toString()));
            S3Sources.putZip(aws, work, "tls-sources", "app.zip", "app.txt", "hello\n");
            Files.writeString(work.resolve("secret.txt"), "kms over tls");
            JsonNode put = aws.ok("s3api", "put-object", "--bucket", "tls-sources", "--key", "secret.txt", "--body",
                    work.resolve("secret.txt").toString(), "--server-side-encryption", "aws:kms", "--ssekms-key-id", "alias/aws/s3");
            assertThat(put.path("ServerSideEncryption").asText()).isEqualTo("aws:kms");

            Path definition = work.resolve("tls.json");
            Files.writeString(definition, """
                    {"pipeline": {"name": "over-tls", "roleArn": "arn:aws:iam::111111111111:role/r", "pipelineType": "V2",
                     "artifactStore": {"type": "S3", "location": "tls-artifacts"},
                     "stages": [
                      {"name": "Source", "actions": [{"name": "Source",
                         "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                         "configuration": {"S3Bucket": "tls-sources", "S3ObjectKey": "app.zip"},
                         "outputArtifacts": [{"name": "Src"}]}]},
                      {"name": "Build", "actions": [{"name": "Build",
                         "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                         "inputArtifacts": [{"name": "Src"}], "outputArtifacts": [{"name": "Out"}],
                         "commands": ["cat app.txt", "echo built > out.txt"]}]}
                     ]}}""");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            String id = aws.ok("codepipeline", "start-pipeline-execution", "--name", "over-tls").get("pipelineExecutionId").asText();
            Instant until = Instant.now().plus(Duration.ofSeconds(120));
            String status;
            while ((status = aws.ok("codepipeline", "get-pipeline-execution", "--pipeline-name", "over-tls", "--pipeline-execution-id", id)
                    .at("/pipelineExecution/status").asText()).equals("InProgress")) {
                assertThat(Instant.now()).as("the execution settles; agent log:\n" + agent.output()).isBefore(until);
                Thread.sleep(250);
            }
            assertThat(status).as("agent log:\n" + agent.output()).isEqualTo("Succeeded");

            // Without the bundle the CLI trusts only the system's authorities, and the handshake fails.
            AwsCli.Result untrusted = new AwsCli(server.endpoint(), work).run("codepipeline", "list-pipelines");
            assertThat(untrusted.exitCode()).isNotZero();
            assertThat(untrusted.stderr()).containsIgnoringCase("SSL").containsIgnoringCase("certificate");
        }
    }

    @Test
    void lookupEventsAndConveyorAuditShowWhoDidWhatWithoutSecrets() throws Exception {
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            aws.ok("ssm", "put-parameter", "--name", "/e2e/db-password", "--value", SECRET, "--type", "SecureString");
            aws.succeed("s3", "mb", "s3://audited-bucket");
            AwsCli.Result refused = aws.run("codepipeline", "get-pipeline", "--name", "missing");
            assertThat(refused.exitCode()).isNotZero();
            Path repo = Files.createDirectories(work.resolve("repo"));
            Git.run(repo, "init", "-q", "-b", "main");
            Files.writeString(repo.resolve("README"), "audited\n");
            Git.run(repo, "add", ".");
            Git.run(repo, "commit", "-q", "-m", "first");
            Git.asAdministrator(repo, work.resolve("data"), "push", server.endpoint() + "/v1/repos/audited-repo", "main");

            JsonNode events = null;
            Instant until = Instant.now().plusSeconds(30);
            while (events == null || events.size() < 4) {
                assertThat(Instant.now()).as("four events recorded").isBefore(until);
                Thread.sleep(100);
                events = aws.ok("cloudtrail", "lookup-events").get("Events");
            }
            assertThat(events.toString()).doesNotContain(SECRET);
            JsonNode putParameter = aws.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=EventName,AttributeValue=PutParameter").get("Events");
            assertThat(putParameter).hasSize(1);
            assertThat(putParameter.get(0).get("Username").asText()).as("the administrator, whose key the CLI signs with").isEqualTo("admin");
            assertThat(putParameter.get(0).get("AccessKeyId").asText()).isEqualTo("AKIDEXAMPLE");
            assertThat(putParameter.get(0).get("EventSource").asText()).isEqualTo("ssm.amazonaws.com");
            assertThat(putParameter.get(0).get("CloudTrailEvent").asText()).contains("\"sourceIPAddress\":\"127.0.0.1\"")
                    .contains("aws-cli/").contains("HIDDEN_DUE_TO_SECURITY_REASONS");
            JsonNode bucket = aws.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=ResourceName,AttributeValue=audited-bucket").get("Events");
            assertThat(bucket).singleElement().satisfies(e -> assertThat(e.get("EventName").asText()).isEqualTo("CreateBucket"));

            JsonNode push = aws.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=ResourceName,AttributeValue=audited-repo").get("Events");
            assertThat(push).singleElement().satisfies(e -> {
                assertThat(e.get("EventName").asText()).isEqualTo("GitPush");
                assertThat(e.get("EventSource").asText()).isEqualTo("codecommit.amazonaws.com");
                assertThat(e.get("Username").asText()).as("pushed with the administrator's key").isEqualTo("admin");
            });

            ConveyorCli.Result audit = new ConveyorCli(server.endpoint(), work).run("audit", "--since", "1h");
            assertThat(audit.exitCode()).as(audit.stderr()).isZero();
            assertThat(audit.stdout()).contains("PutParameter", "/e2e/db-password", "CreateBucket", "GetPipeline",
                    "PipelineNotFoundException", "admin").doesNotContain(SECRET);
            ConveyorCli.Result onlyS3 = new ConveyorCli(server.endpoint(), work).run("audit", "--event-name", "CreateBucket");
            assertThat(onlyS3.stdout()).contains("CreateBucket").doesNotContain("PutParameter");
        }
    }
}
