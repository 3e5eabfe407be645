package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server driven by the unmodified AWS CLI: a Python function (boto3) made with {@code aws lambda
 * create-function}, checked with {@code aws lambda invoke}, then run as a V2 pipeline's Invoke/AWS/Lambda action that
 * reads its input artifact from Conveyor's S3, writes an output artifact and sets an output variable that a Commands
 * action of the next stage checks; and a failing function failing its action with its message.
 */
class AwsCliInvokeActionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = """
            import io, os, zipfile
            import boto3
            from botocore.config import Config

            def handler(event, context):
                if "CodePipeline.job" not in event:
                    return {"pong": event.get("ping")}
                job = event["CodePipeline.job"]
                data = job["data"]
                if data["actionConfiguration"]["configuration"].get("UserParameters") == "fail":
                    raise ValueError("no release today")
                creds = data["artifactCredentials"]
                endpoint = os.environ["AWS_ENDPOINT_URL"]
                s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}),
                                  aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
                                  aws_session_token=creds["sessionToken"])
                source = data["inputArtifacts"][0]["location"]["s3Location"]
                app = zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=source["bucketName"], Key=source["objectKey"])["Body"].read()))
                version = app.read("VERSION").decode().strip()
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w") as z:
                    z.writestr("release.txt", "release " + version)
                target = data["outputArtifacts"][0]["location"]["s3Location"]
                s3.put_object(Bucket=target["bucketName"], Key=target["objectKey"], Body=out.getvalue())
                boto3.client("codepipeline", endpoint_url=endpoint, aws_access_key_id=creds["accessKeyId"],
                             aws_secret_access_key=creds["secretAccessKey"], aws_session_token=creds["sessionToken"]).put_job_success_result(
                    jobId=job["id"], outputVariables={"RELEASE": "release " + version})
            """;

    @TempDir
    Path work;

    @Test
    void aPythonLambdaInvokeActionMadeWithTheCliRunsInAPipeline() throws Exception {
        ConveyorProcess.requireCommand("zip");
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"))) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            Path function = zip("function", "app.py", FUNCTION);
            aws.ok("lambda", "create-function", "--function-name", "release-notes", "--runtime", "python3.12", "--handler",
                    "app.handler", "--role", "arn:aws:iam::000000000000:role/lambda", "--timeout", "60", "--zip-file", "fileb://" + function);
            Path out = work.resolve("out.json");
            aws.ok("lambda", "invoke", "--function-name", "release-notes", "--payload", "{\"ping\": 7}", out.toString());
            assertThat(JSON.readTree(out.toFile()).get("pong").asInt()).isEqualTo(7);

            aws.succeed("s3", "mb", "s3://e2e-sources");
            aws.ok("s3api", "put-bucket-versioning", "--bucket", "e2e-sources", "--versioning-configuration", "Status=Enabled");
            aws.succeed("s3", "cp", zip("source", "VERSION", "1.4.2\n").toString(), "s3://e2e-sources/app.zip");
            Path definition = work.resolve("pipeline.json");
            Files.writeString(definition, pipeline("releasing", "go"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            JsonNode done = Executions.awaitSettled(aws, "releasing", Executions.createdExecution(aws, "releasing"), Duration.ofSeconds(120));
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Succeeded");
            JsonNode actions = aws.ok("codepipeline", "list-action-executions", "--pipeline-name", "releasing");
            JsonNode invoke = null;
            for (JsonNode a : actions.get("actionExecutionDetails")) {
                if (a.get("actionName").asText().equals("Notes")) {
                    invoke = a;
                }
            }
            assertThat(invoke).isNotNull();
            assertThat(invoke.at("/output/outputVariables/RELEASE").asText()).isEqualTo("release 1.4.2");

            Files.writeString(definition, pipeline("refusing", "fail"));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + definition);
            JsonNode failed = Executions.awaitSettled(aws, "refusing", Executions.createdExecution(aws, "refusing"), Duration.ofSeconds(120));
            assertThat(failed.get("status").asText()).isEqualTo("Failed");
            JsonNode state = aws.ok("codepipeline", "get-pipeline-state", "--name", "refusing");
            assertThat(state.at("/stageStates/1/actionStates/0/latestExecution/errorDetails/message").asText()).isEqualTo("no release today");
        }
    }

    private static String pipeline(String name, String userParameters) {
        return """
                {"pipeline": {"name": "%s", "pipelineType": "V2", "executionMode": "QUEUED",
                  "roleArn": "arn:aws:iam::000000000000:role/conveyor",
                  "artifactStore": {"type": "S3", "location": "e2e-artifacts"},
                  "stages": [
                    {"name": "Source", "actions": [{"name": "Source",
                      "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                      "configuration": {"S3Bucket": "e2e-sources", "S3ObjectKey": "app.zip", "PollForSourceChanges": "false"},
                      "outputArtifacts": [{"name": "App"}]}]},
                    {"name": "Notes", "actions": [{"name": "Notes", "namespace": "NotesVariables",
                      "actionTypeId": {"category": "Invoke", "owner": "AWS", "provider": "Lambda", "version": "1"},
                      "configuration": {"FunctionName": "release-notes", "UserParameters": "%s"},
                      "inputArtifacts": [{"name": "App"}], "outputArtifacts": [{"name": "Notes"}]}]},
                    {"name": "Check", "actions": [{"name": "Check",
                      "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"},
                      "commands": ["cat release.txt", "test \\"$(cat release.txt)\\" = \\"#{NotesVariables.RELEASE}\\""],
                      "inputArtifacts": [{"name": "Notes"}]}]}]}}
                """.formatted(name, userParameters);
    }

    private Path zip(String name, String file, String content) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve(file), content);
        Path zip = work.resolve(name + ".zip");
        Process process = new ProcessBuilder("zip", "-q", zip.toString(), file).directory(dir.toFile()).inheritIO().start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return zip;
    }
}
