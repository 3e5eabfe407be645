package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unmodified AWS CLI against the packaged server's IAM and STS, on both databases, signed with the first
 * administrator's key from the shared-credentials file the server wrote on its first start: users, keys, policies
 * and their documents, IAM's errors, and a role's temporary credentials.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class AwsCliIamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() throws Exception {
            return JSON.readTree(stdout);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theAwsCliManagesUsersPoliciesAndRolesWithTheAdministratorsProfile(String kind) throws Exception {
        ConveyorProcess.requireCommand("aws");
        Path dataDir = work.resolve("data");
        String[] database = "h2".equals(kind) ? new String[0] : new String[] {"--database", TestDatabases.freshUrl(kind)};
        try (ConveyorProcess server = ConveyorProcess.start(dataDir, database)) {
            Path credentials = dataDir.resolve("admin-credentials");
            assertThat(server.output()).contains("AWS_SHARED_CREDENTIALS_FILE=" + credentials).contains("AWS_PROFILE=conveyor-admin");
            Map<String, String> admin = Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_PROFILE", "conveyor-admin");

            assertThat(ok(server, admin, "sts", "get-caller-identity").get("Arn").asText()).isEqualTo("arn:aws:iam::000000000000:user/admin");
            assertThat(ok(server, admin, "iam", "create-user", "--user-name", "dana").at("/User/Arn").asText())
                    .isEqualTo("arn:aws:iam::000000000000:user/dana");
            JsonNode danaKey = ok(server, admin, "iam", "create-access-key", "--user-name", "dana").get("AccessKey");
            assertThat(danaKey.get("AccessKeyId").asText()).startsWith("AKIA").hasSize(20);
            Map<String, String> dana = Map.of("AWS_ACCESS_KEY_ID", danaKey.get("AccessKeyId").asText(),
                    "AWS_SECRET_ACCESS_KEY", danaKey.get("SecretAccessKey").asText(), "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString());
            Files.writeString(work.resolve("policy.json"), """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["codepipeline:Get*", "codepipeline:List*"],
                      "Resource": "arn:aws:codepipeline:us-east-1:000000000000:*"}]}""");
            String policyArn = ok(server, admin, "iam", "create-policy", "--policy-name", "ReadPipelines", "--policy-document",
                    "file://" + work.resolve("policy.json")).at("/Policy/Arn").asText();
            assertThat(policyArn).isEqualTo("arn:aws:iam::000000000000:policy/ReadPipelines");
            ok(server, admin, "iam", "attach-user-policy", "--user-name", "dana", "--policy-arn", policyArn);
            assertThat(ok(server, admin, "iam", "list-attached-user-policies", "--user-name", "dana").at("/AttachedPolicies/0/PolicyName")
                    .asText()).isEqualTo("ReadPipelines");

            // Enforced on every request: dana reads, but starting a pipeline is denied with AWS's error; unsigned is refused.
            assertThat(ok(server, dana, "codepipeline", "list-pipelines").has("pipelines")).isTrue();
            Result start = aws(server, dana, "codepipeline", "start-pipeline-execution", "--name", "release-train");
            assertThat(start.exitCode()).isNotZero();
            assertThat(start.stderr()).contains("(AccessDeniedException)").contains("User: arn:aws:iam::000000000000:user/dana is not "
                    + "authorized to perform: codepipeline:StartPipelineExecution on resource: "
                    + "arn:aws:codepipeline:us-east-1:000000000000:release-train");
            Result unsigned = aws(server, Map.of(), "codepipeline", "list-pipelines", "--no-sign-request");
            assertThat(unsigned.stderr()).contains("(MissingAuthenticationTokenException)");
            Result anonymousS3 = aws(server, Map.of(), "s3api", "list-buckets", "--no-sign-request");
            assertThat(anonymousS3.stderr()).contains("(AccessDenied)");
            Result danaS3 = aws(server, dana, "s3api", "create-bucket", "--bucket", "danas");
            assertThat(danaS3.stderr()).contains("(AccessDenied)").contains("s3:CreateBucket");
            JsonNode document = ok(server, admin, "iam", "get-policy-version", "--policy-arn", policyArn, "--version-id", "v1")
                    .at("/PolicyVersion/Document");
            assertThat(document.at("/Statement/0/Action/0").asText()).as("the CLI decodes the document").isEqualTo("codepipeline:Get*");
            assertThat(ok(server, admin, "iam", "list-users").findValuesAsText("UserName")).containsExactly("admin", "dana");

            Result conflict = aws(server, admin, "iam", "delete-user", "--user-name", "dana");
            assertThat(conflict.exitCode()).isNotZero();
            assertThat(conflict.stderr()).contains("(DeleteConflict)").contains("must delete access keys first");
            Result missing = aws(server, admin, "iam", "get-user", "--user-name", "nobody");
            assertThat(missing.stderr()).contains("(NoSuchEntity)").contains("The user with name nobody cannot be found.");

            Files.writeString(work.resolve("trust.json"), """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/admin"},
                      "Action": "sts:AssumeRole"}]}""");
            String roleArn = ok(server, admin, "iam", "create-role", "--role-name", "release", "--assume-role-policy-document",
                    "file://" + work.resolve("trust.json")).at("/Role/Arn").asText();
            ok(server, admin, "iam", "attach-role-policy", "--role-name", "release", "--policy-arn", policyArn);
            JsonNode issued = ok(server, admin, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "cli").get("Credentials");
            Map<String, String> session = Map.of("AWS_ACCESS_KEY_ID", issued.get("AccessKeyId").asText(),
                    "AWS_SECRET_ACCESS_KEY", issued.get("SecretAccessKey").asText(), "AWS_SESSION_TOKEN", issued.get("SessionToken").asText(),
                    "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString());
            assertThat(ok(server, session, "sts", "get-caller-identity").get("Arn").asText())
                    .isEqualTo("arn:aws:sts::000000000000:assumed-role/release/cli");
        }
    }

    private static JsonNode ok(ConveyorProcess server, Map<String, String> env, String... args) throws Exception {
        Result result = aws(server, env, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("aws " + String.join(" ", args) + " failed (" + result.exitCode() + "): " + result.stderr());
        }
        return result.stdout().isBlank() ? JSON.createObjectNode() : result.json();
    }

    /** The real {@code aws} with only the given credentials settings: no user config, no other profile. */
    private static Result aws(ConveyorProcess server, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", server.endpoint(), "--region", "us-east-1", "--output", "json"));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("AWS_"));
        environment.put("AWS_CONFIG_FILE", "/dev/null");
        environment.put("AWS_PAGER", "");
        environment.putAll(env);
        Path out = Files.createTempFile("aws", ".out");
        Path err = Files.createTempFile("aws", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("aws " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
