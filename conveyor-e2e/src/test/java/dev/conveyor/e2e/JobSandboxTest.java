package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Builds cannot reach the server's secrets (issue 14, item 8): the packaged server as a process, started with secrets
 * in its own environment, runs Commands actions that print their environment, read {@code <data-dir>/keys}, list the
 * data directory and another running job's workspace, and find none of it. A pipeline whose role is one of Conveyor's
 * gets that role's temporary credentials, and its commands call the server's API as that role: what the role allows
 * and nothing else.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class JobSandboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> SERVER_SECRETS = Map.of("AWS_SECRET_ACCESS_KEY", "server-aws-secret-4711",
            "PGPASSWORD", "server-pg-password-0815", "CONVEYOR_FAKE_TOKEN", "server-conveyor-token-1234");

    @TempDir
    Path work;

    private static ObjectNode pipeline(String name, String roleArn) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("pipeline");
        p.put("name", name).put("roleArn", roleArn).put("pipelineType", "V2").put("executionMode", "QUEUED");
        p.putObject("artifactStore").put("type", "S3").put("location", "sandbox-artifacts");
        ArrayNode stages = p.putArray("stages");
        ObjectNode source = stages.addObject().put("name", "Source").putArray("actions").addObject().put("name", "Source");
        source.putObject("actionTypeId").put("category", "Source").put("owner", "AWS").put("provider", "S3").put("version", "1");
        source.putObject("configuration").put("S3Bucket", "sandbox-sources").put("S3ObjectKey", "app.zip")
                .put("PollForSourceChanges", "false");
        source.putArray("outputArtifacts").addObject().put("name", "SourceOutput");
        stages.addObject().put("name", "Build").putArray("actions");
        return root;
    }

    private static void commands(ObjectNode root, String actionName, String... commands) {
        ArrayNode actions = (ArrayNode) root.path("pipeline").path("stages").get(1).path("actions");
        ObjectNode action = actions.addObject().put("name", actionName);
        action.putObject("actionTypeId").put("category", "Compute").put("owner", "AWS").put("provider", "Commands").put("version", "1");
        ArrayNode list = action.putArray("commands");
        for (String c : commands) {
            list.add(c);
        }
        action.putArray("inputArtifacts").addObject().put("name", "SourceOutput");
    }

    /**
     * The path that follows {@code marker} on the log line holding it (log lines are prefixed with their action; the
     * line that echoes the command itself has no path there).
     */
    private static String after(String log, String marker) {
        String line = log.lines().filter(l -> l.contains(marker + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + marker + " in:\n" + log));
        return line.substring(line.indexOf(marker) + marker.length()).strip();
    }

    private Path write(String name, JsonNode json) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, JSON.writeValueAsString(json));
        return file;
    }

    @Test
    void aBuildSeesNoneOfTheServersSecretsNorItsDataDirectoryNorAnotherJobsWorkspace() throws Exception {
        Path data = work.resolve("data");
        try (ConveyorProcess server = ConveyorProcess.startWithEnvironment(SERVER_SECRETS, data)) {
            assertThat(server.output()).doesNotContain("jobs run without a sandbox");
            AwsCli aws = new AwsCli(server.endpoint(), work);
            S3Sources.putZip(aws, work, "sandbox-sources", "app.zip", "app.txt", "hello");
            ObjectNode root = pipeline("sandboxed", "arn:aws:iam::000000000000:role/not-in-conveyor");
            String keys = data.toAbsolutePath().resolve("keys").toString();
            commands(root, "Snoop",
                    "echo \"MY_WORKSPACE=$(dirname \"$CODEBUILD_SRC_DIR\")\"",
                    "sleep 3", // the other job runs meanwhile
                    "env | sort",
                    "echo \"uid=$(id -u)\"",
                    "cat " + keys + "/* 2>&1 || echo KEYS-UNREADABLE",
                    "ls -a " + data.toAbsolutePath() + " 2>&1 | sed 's/^/DATA-DIR: /'",
                    "ls -a \"$(dirname \"$(dirname \"$CODEBUILD_SRC_DIR\")\")\" 2>&1 | sed 's/^/WORKSPACES: /'",
                    "ls -a " + data.toAbsolutePath().resolve("workspaces") + "/* 2>&1 | sed 's/^/WORKSPACES: /'",
                    "cat /proc/1/environ 2>&1 | tr '\\0' '\\n' || true",
                    "ps -eo pid,user,args 2>&1 | sed 's/^/PS: /'");
            commands(root, "Busy", "echo \"MY_WORKSPACE=$(dirname \"$CODEBUILD_SRC_DIR\")\"", "sleep 8");
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("p.json", root));
            String id = Executions.createdExecution(aws, "sandboxed");
            JsonNode execution = Executions.awaitSettled(aws, "sandboxed", id, Duration.ofSeconds(120));
            assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("Succeeded");

            ConveyorCli conveyor = new ConveyorCli(server.endpoint(), work);
            String snoop = conveyor.run("logs", "sandboxed", "--execution", id, "--stage", "Build", "--action", "Snoop").stdout();
            String busy = conveyor.run("logs", "sandboxed", "--execution", id, "--stage", "Build", "--action", "Busy").stdout();
            for (String secret : SERVER_SECRETS.values()) {
                assertThat(snoop).as("the job's log").doesNotContain(secret);
            }
            assertThat(snoop).as("the administrator's key, in the server's environment").doesNotContain(
                    dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY).doesNotContain("CONVEYOR_ADMIN");
            assertThat(snoop).doesNotContain("PGPASSWORD").doesNotContain("CONVEYOR_FAKE_TOKEN").doesNotContain("AWS_SECRET_ACCESS_KEY")
                    .doesNotContain("JAVA_HOME=").contains("CODEPIPELINE_PIPELINE_NAME=sandboxed").contains("KEYS-UNREADABLE");
            assertThat(snoop).as("a private HOME in the workspace").containsPattern("HOME=" + data.toAbsolutePath() + "/workspaces/.+/\\.home");
            assertThat(snoop).as("not root").doesNotContain("uid=0");
            assertThat(snoop).as("the data dir shows nothing but the path to the workspace")
                    .doesNotContain("DATA-DIR: keys").doesNotContain("DATA-DIR: admin-credentials").doesNotContain("DATA-DIR: git")
                    .doesNotContain("DATA-DIR: logs").doesNotContain("DATA-DIR: artifacts").contains("DATA-DIR: ");
            String otherWorkspace = after(busy, "MY_WORKSPACE=");
            String ownWorkspace = after(snoop, "MY_WORKSPACE=");
            assertThat(otherWorkspace).isNotEqualTo(ownWorkspace);
            assertThat(snoop.lines().filter(l -> l.contains("WORKSPACES: ")).toList()).as("the neighbour's workspace is not there")
                    .isNotEmpty().noneMatch(l -> l.contains(Path.of(otherWorkspace).getFileName().toString()));
            assertThat(snoop.lines().filter(l -> l.contains("PS: ")).toList()).as("the job sees its own processes only")
                    .isNotEmpty().noneMatch(l -> l.contains("conveyor-cli") || l.contains("sleep 8"));
        }
    }

    /** A shell command that calls an AWS JSON API of the server with the job's credentials, signed by curl. */
    private static String call(String service, String target, String body) {
        return "curl -sS --aws-sigv4 \"aws:amz:$AWS_REGION:" + service + "\" --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\""
                + " -H \"x-amz-security-token: $AWS_SESSION_TOKEN\" -H 'Content-Type: application/x-amz-json-1.1'"
                + " -H 'X-Amz-Target: " + target + "' -d '" + body + "' \"$AWS_ENDPOINT_URL/\"";
    }

    private static ObjectNode pipelineWithRole(String name, String roleArn, String... commands) {
        ObjectNode root = pipeline(name, roleArn);
        commands(root, "Call", commands);
        return root;
    }

    @Test
    void aBuildActsAsItsPipelinesRoleAndWithoutARoleHasNoCredentials() throws Exception {
        Path data = work.resolve("data");
        try (ConveyorProcess server = ConveyorProcess.startWithEnvironment(SERVER_SECRETS, data)) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            S3Sources.putZip(aws, work, "sandbox-sources", "app.zip", "app.txt", "hello");
            Path trust = work.resolve("trust.json");
            Files.writeString(trust, """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
                      "Action": "sts:AssumeRole"}]}""");
            String roleArn = aws.ok("iam", "create-role", "--role-name", "reader-role", "--assume-role-policy-document",
                    "file://" + trust).at("/Role/Arn").asText();
            Path policy = work.resolve("policy.json");
            Files.writeString(policy, """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["codepipeline:GetPipeline"], "Resource": "*"},
                      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                       "Resource": ["arn:aws:s3:::sandbox-sources/*", "arn:aws:s3:::sandbox-artifacts/*"]}]}""");
            // (what Conveyor does on the pipeline's behalf, reading the source and the artifacts, is checked against the role too)
            String policyArn = aws.ok("iam", "create-policy", "--policy-name", "read-pipelines", "--policy-document", "file://" + policy)
                    .at("/Policy/Arn").asText();
            aws.ok("iam", "attach-role-policy", "--role-name", "reader-role", "--policy-arn", policyArn);

            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("with-role.json", pipelineWithRole("with-role",
                    roleArn,
                    "echo \"key: ${AWS_ACCESS_KEY_ID:0:4} endpoint: $AWS_ENDPOINT_URL\"",
                    "curl -sS --aws-sigv4 \"aws:amz:us-east-1:sts\" --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\""
                            + " -H \"x-amz-security-token: $AWS_SESSION_TOKEN\" -d 'Action=GetCallerIdentity&Version=2011-06-15'"
                            + " \"$AWS_ENDPOINT_URL/\"; echo",
                    call("codepipeline", "CodePipeline_20150709.GetPipeline", "{\"name\": \"with-role\"}") + " | head -c 300; echo",
                    "echo \"list: $(" + call("codepipeline", "CodePipeline_20150709.ListPipelines", "{}") + ")\"",
                    // a build leaking its credentials past the log's masking (encoded): they must die with the job
                    "echo \"leaked: $(printf '%s %s %s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" | base64 -w0)\"")));
            aws.ok("codepipeline", "create-pipeline", "--cli-input-json", "file://" + write("no-role.json", pipelineWithRole("no-role",
                    "arn:aws:iam::000000000000:role/not-in-conveyor",
                    "echo \"credentials: [${AWS_ACCESS_KEY_ID:-none}] [${AWS_SESSION_TOKEN:-none}]\"")));
            ConveyorCli conveyor = new ConveyorCli(server.endpoint(), work);
            for (String name : new String[] {"with-role", "no-role"}) {
                String id = Executions.createdExecution(aws, name);
                JsonNode execution = Executions.awaitSettled(aws, name, id, Duration.ofSeconds(120));
                assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("Succeeded");
            }
            String withRole = conveyor.run("logs", "with-role", "--stage", "Build").stdout();
            assertThat(withRole).contains("key: ASIA").contains("endpoint: " + server.endpoint())
                    .contains("this job acts as arn:aws:sts::000000000000:assumed-role/reader-role/conveyor-job-")
                    .contains("<Arn>arn:aws:sts::000000000000:assumed-role/reader-role/conveyor-job-")
                    .contains("\"name\":\"with-role\"");
            assertThat(withRole.lines().filter(l -> l.contains("list: {")).toList()).as("what the role does not allow is denied")
                    .singleElement().satisfies(l -> assertThat(l).contains("AccessDeniedException")
                            .contains("is not authorized to perform: codepipeline:ListPipelines"));
            // The job has ended: its role session is refused although its expiry (the job's timeout) is an hour away.
            String leaked = withRole.lines().filter(l -> l.contains("leaked: ") && !l.contains("printf")).findFirst()
                    .map(l -> l.substring(l.indexOf("leaked: ") + "leaked: ".length()).strip()).orElseThrow();
            String[] credentials = new String(java.util.Base64.getDecoder().decode(leaked), java.nio.charset.StandardCharsets.UTF_8).split(" ");
            try (software.amazon.awssdk.services.codepipeline.CodePipelineClient asTheJob = software.amazon.awssdk.services.codepipeline
                    .CodePipelineClient.builder().endpointOverride(java.net.URI.create(server.endpoint()))
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(credentials[0], credentials[1], credentials[2])))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
                assertThat(credentials[0]).startsWith("ASIA");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> asTheJob.getPipeline(r -> r.name("with-role")))
                        .isInstanceOfSatisfying(software.amazon.awssdk.awscore.exception.AwsServiceException.class, e -> {
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
                            assertThat(e.awsErrorDetails().errorMessage()).contains("has ended (Succeeded)");
                        });
            }
            String noRole = conveyor.run("logs", "no-role", "--stage", "Build").stdout();
            assertThat(noRole).contains("credentials: [none] [none]");
        }
    }
}
