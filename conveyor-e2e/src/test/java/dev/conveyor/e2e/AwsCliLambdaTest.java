package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unmodified AWS CLI against the packaged server's Lambda API, on both databases: {@code create-function} from a
 * zip made by {@code zip}, {@code invoke} with the log tail, code updates, a Node.js function, and Lambda's errors.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests are independent: they share the pool with other classes (junit-platform.properties)
class AwsCliLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda";

    @TempDir
    Path work;

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void theAwsCliCreatesInvokesUpdatesAndDeletesFunctions(String kind) throws Exception {
        ConveyorProcess.requireCommand("zip");
        String[] database = "h2".equals(kind) ? new String[0] : new String[] {"--database", TestDatabases.freshUrl(kind)};
        try (ConveyorProcess server = ConveyorProcess.start(work.resolve("data"), database)) {
            AwsCli aws = new AwsCli(server.endpoint(), work);
            Path python = zip("python", "app.py", """
                    import os
                    def handler(event, context):
                        print("hello from python", event)
                        return {"answer": event["n"] * 2, "greeting": os.environ["GREETING"], "version": 1}
                    """);
            JsonNode created = aws.ok("lambda", "create-function", "--function-name", "doubler", "--runtime", "python3.12",
                    "--handler", "app.handler", "--role", ROLE, "--zip-file", "fileb://" + python,
                    "--environment", "Variables={GREETING=hi}");
            assertThat(created.get("FunctionArn").asText()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:doubler");
            assertThat(created.get("State").asText()).isEqualTo("Active");

            Path out = work.resolve("out.json");
            JsonNode invoked = aws.ok("lambda", "invoke", "--function-name", "doubler", "--payload", "{\"n\": 21}", "--log-type", "Tail",
                    out.toString());
            assertThat(invoked.get("StatusCode").asInt()).isEqualTo(200);
            assertThat(invoked.has("FunctionError")).isFalse();
            assertThat(new String(Base64.getDecoder().decode(invoked.get("LogResult").asText()), StandardCharsets.UTF_8))
                    .contains("hello from python {'n': 21}", "REPORT RequestId:");
            JsonNode answer = JSON.readTree(out.toFile());
            assertThat(answer.get("answer").asInt()).isEqualTo(42);
            assertThat(answer.get("greeting").asText()).isEqualTo("hi");

            assertThat(aws.ok("lambda", "list-functions").at("/Functions/0/FunctionName").asText()).isEqualTo("doubler");
            assertThat(aws.ok("lambda", "get-function", "--function-name", "doubler").at("/Code/Location").asText())
                    .startsWith(server.endpoint());

            Path python2 = zip("python2", "app.py", """
                    def handler(event, context):
                        return {"answer": event["n"] * 2, "version": 2}
                    """);
            aws.ok("lambda", "update-function-code", "--function-name", "doubler", "--zip-file", "fileb://" + python2);
            aws.ok("lambda", "invoke", "--function-name", "doubler", "--payload", "{\"n\": 1}", out.toString());
            assertThat(JSON.readTree(out.toFile()).get("version").asInt()).isEqualTo(2);

            Path node = zip("node", "index.js", """
                    exports.handler = async (event) => ({ sum: event.a + event.b, node: process.version });
                    """);
            aws.ok("lambda", "create-function", "--function-name", "adder", "--runtime", "nodejs20.x", "--handler", "index.handler",
                    "--role", ROLE, "--zip-file", "fileb://" + node);
            aws.ok("lambda", "invoke", "--function-name", "adder", "--payload", "{\"a\": 2, \"b\": 3}", out.toString());
            assertThat(JSON.readTree(out.toFile()).get("sum").asInt()).isEqualTo(5);

            aws.ok("lambda", "delete-function", "--function-name", "doubler");
            AwsCli.Result missing = aws.run("lambda", "invoke", "--function-name", "doubler", out.toString());
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.stderr()).contains("ResourceNotFoundException", "Function not found");
            AwsCli.Result duplicate = aws.run("lambda", "create-function", "--function-name", "adder", "--runtime", "nodejs20.x",
                    "--handler", "index.handler", "--role", ROLE, "--zip-file", "fileb://" + node);
            assertThat(duplicate.stderr()).contains("ResourceConflictException", "Function already exist: adder");
        }
    }

    /** A deployment package made by the {@code zip} command from one file. */
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
