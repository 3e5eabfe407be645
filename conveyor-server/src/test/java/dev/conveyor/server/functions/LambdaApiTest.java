package dev.conveyor.server.functions;

import dev.conveyor.testkit.TestCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.server.ServerFixture;
import dev.conveyor.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** Lambda-compatible functions through the AWS SDK for Java v2's LambdaClient against a real server, on both databases. */
class LambdaApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
    private static final String PYTHON_HANDLER = """
            import os
            VERSION = "v1"
            def handler(event, context):
                if "fail" in event:
                    raise ValueError("asked to fail: " + event["fail"])
                print("python handler got", event)
                return {"version": VERSION, "pid": os.getpid(), "event": event, "greeting": os.environ.get("GREETING"),
                        "requestId": context.aws_request_id, "remaining": context.get_remaining_time_in_millis() > 0}
            """;
    /** A {@code provided} runtime in bash and curl, as in AWS's custom runtime tutorial. */
    private static final String BASH_BOOTSTRAP = """
            #!/bin/bash
            set -euo pipefail
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            while true; do
              HEADERS="$(mktemp)"
              EVENT=$(curl -sS -LD "$HEADERS" "$API/next")
              REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              echo "bash bootstrap got $EVENT"
              case "$EVENT" in
                *sleep*) sleep 30 ;;
                *marker*) touch "$MARKER_DIR/$REQUEST_ID" ;;
              esac
              curl -sS -X POST "$API/$REQUEST_ID/response" -d "{\\"pid\\": $$, \\"handler\\": \\"$_HANDLER\\", \\"event\\": $EVENT}" > /dev/null
            done
            """;

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void createsInvokesUpdatesAndDeletesAPythonFunction(String kind) throws Exception {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            byte[] zip = FunctionZips.zip().file("app.py", PYTHON_HANDLER).bytes();
            CreateFunctionResponse created = lambda.createFunction(r -> r.functionName("greeter").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                    .environment(e -> e.variables(Map.of("GREETING", "hello"))));
            assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:greeter");
            assertThat(created.codeSha256()).isEqualTo(Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
            assertThat(created.codeSize()).isEqualTo(zip.length);
            assertThat(created.timeout()).isEqualTo(3);
            assertThat(created.memorySize()).isEqualTo(128);
            assertThat(created.version()).isEqualTo("$LATEST");
            assertThat(created.environment().variables()).containsExactly(Map.entry("GREETING", "hello"));

            InvokeResponse first = lambda.invoke(r -> r.functionName("greeter").payload(SdkBytes.fromUtf8String("{\"n\": 1}"))
                    .logType(LogType.TAIL));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.functionError()).isNull();
            JsonNode answer = JSON.readTree(first.payload().asByteArray());
            assertThat(answer.path("event").path("n").asInt()).isEqualTo(1);
            assertThat(answer.path("greeting").asText()).isEqualTo("hello");
            assertThat(answer.path("remaining").asBoolean()).isTrue();
            String log = new String(Base64.getDecoder().decode(first.logResult()), StandardCharsets.UTF_8);
            assertThat(log).contains("START RequestId: " + answer.path("requestId").asText(), "python handler got {'n': 1}",
                    "END RequestId: ", "REPORT RequestId: ");
            JsonNode second = invokeJson(lambda, "greeter", "{\"n\": 2}");
            assertThat(second.path("pid").asLong()).as("the warm instance is reused").isEqualTo(answer.path("pid").asLong());
            assertThat(fixture.server().functions().functions().invocationLog("greeter", second.path("requestId").asText()))
                    .hasValueSatisfying(kept -> assertThat(kept).contains("python handler got {'n': 2}"));

            InvokeResponse failed = lambda.invoke(r -> r.functionName("greeter").payload(SdkBytes.fromUtf8String("{\"fail\": \"now\"}")));
            assertThat(failed.functionError()).isEqualTo("Unhandled");
            JsonNode error = JSON.readTree(failed.payload().asByteArray());
            assertThat(error.path("errorType").asText()).isEqualTo("ValueError");
            assertThat(error.path("errorMessage").asText()).isEqualTo("asked to fail: now");

            GetFunctionResponse got = lambda.getFunction(r -> r.functionName("greeter"));
            var configuration = lambda.getFunctionConfiguration(r -> r.functionName("greeter"));
            assertThat(got.configuration().revisionId()).isEqualTo(configuration.revisionId()).isEqualTo(created.revisionId());
            assertThat(got.configuration().codeSha256()).isEqualTo(configuration.codeSha256()).isEqualTo(created.codeSha256());
            assertThat(got.configuration().lastModified()).isEqualTo(configuration.lastModified()).isEqualTo(created.lastModified());
            assertThat(download(got.code().location())).isEqualTo(zip);
            assertThat(lambda.getFunction(r -> r.functionName(created.functionArn())).configuration().functionName()).isEqualTo("greeter");
            assertThat(lambda.listFunctions().functions()).extracting(FunctionConfiguration::functionName).containsExactly("greeter");

            byte[] v2 = FunctionZips.zip().file("app.py", PYTHON_HANDLER.replace("\"v1\"", "\"v2\"")).bytes();
            var updated = lambda.updateFunctionCode(r -> r.functionName("greeter").zipFile(SdkBytes.fromByteArray(v2)));
            assertThat(updated.codeSha256()).isNotEqualTo(created.codeSha256());
            assertThat(updated.revisionId()).isNotEqualTo(created.revisionId());
            JsonNode afterUpdate = invokeJson(lambda, "greeter", "{}");
            assertThat(afterUpdate.path("version").asText()).as("the new code runs").isEqualTo("v2");
            assertThat(afterUpdate.path("pid").asLong()).as("in a new instance").isNotEqualTo(answer.path("pid").asLong());

            lambda.updateFunctionConfiguration(r -> r.functionName("greeter").environment(e -> e.variables(Map.of("GREETING", "bonjour")))
                    .timeout(10));
            assertThat(invokeJson(lambda, "greeter", "{}").path("greeting").asText()).isEqualTo("bonjour");
            assertThat(lambda.getFunctionConfiguration(r -> r.functionName("greeter")).timeout()).isEqualTo(10);

            lambda.deleteFunction(r -> r.functionName("greeter"));
            assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("greeter"))).isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("Function not found: arn:aws:lambda:us-east-1:000000000000:function:greeter");
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("greeter"))).isInstanceOf(ResourceNotFoundException.class);
            assertThat(lambda.listFunctions().functions()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void runsAProvidedBootstrapFromS3AndKillsItWhenItTimesOut(String kind) throws Exception {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            byte[] zip = FunctionZips.zip().executable("bootstrap", BASH_BOOTSTRAP).bytes();
            var objects = fixture.server().objects();
            objects.createBucket("function-code");
            objects.putObject("function-code", "bash/function.zip", ObjectWrite.plain().withLength(zip.length), new ByteArrayInputStream(zip));
            Path markers = Files.createTempDirectory("markers-");
            lambda.createFunction(r -> r.functionName("bash-fn").runtime(Runtime.PROVIDED_AL2023).role(ROLE).handler("function.handler")
                    .timeout(1).code(c -> c.s3Bucket("function-code").s3Key("bash/function.zip"))
                    .environment(e -> e.variables(Map.of("MARKER_DIR", markers.toString()))));

            JsonNode answer = invokeJson(lambda, "bash-fn", "{\"hello\": \"world\"}");
            assertThat(answer.path("event").path("hello").asText()).isEqualTo("world");
            assertThat(answer.path("handler").asText()).isEqualTo("function.handler");

            InvokeResponse timedOut = lambda.invoke(r -> r.functionName("bash-fn").payload(SdkBytes.fromUtf8String("{\"sleep\": 1}")));
            assertThat(timedOut.functionError()).isEqualTo("Unhandled");
            assertThat(JSON.readTree(timedOut.payload().asByteArray()).path("errorMessage").asText()).endsWith("Task timed out after 1.00 seconds");
            assertThat(ProcessHandle.of(answer.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false))
                    .as("the timed-out instance is gone").isFalse();
            assertThat(invokeJson(lambda, "bash-fn", "{}").path("pid").asLong()).as("a new instance answers")
                    .isNotEqualTo(answer.path("pid").asLong());

            InvokeResponse queued = lambda.invoke(r -> r.functionName("bash-fn").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"marker\": true}")));
            assertThat(queued.statusCode()).isEqualTo(202);
            String requestId = queued.responseMetadata().requestId();
            Await.await(() -> Files.exists(markers.resolve(requestId)), Boolean::booleanValue, Duration.ofSeconds(20),
                    "the queued invocation to run");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void runsAJavaHandlerThroughTheOfficialRuntimeInterfaceClient(String kind) throws Exception {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            byte[] zip = FunctionZips.zip().compiledClass(EchoHandler.class).bytes();
            lambda.createFunction(r -> r.functionName("java-fn").runtime(Runtime.JAVA21).role(ROLE).timeout(60).memorySize(512)
                    .handler(EchoHandler.class.getName() + "::handleRequest").code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                    .environment(e -> e.variables(Map.of("GREETING", "hallo"))));

            InvokeResponse first = lambda.invoke(r -> r.functionName("java-fn").payload(SdkBytes.fromUtf8String("{\"n\": 1}"))
                    .logType(LogType.TAIL));
            assertThat(first.functionError()).isNull();
            JsonNode answer = JSON.readTree(first.payload().asByteArray());
            assertThat(answer.path("event").path("n").asInt()).isEqualTo(1);
            assertThat(answer.path("greeting").asText()).isEqualTo("hallo");
            assertThat(answer.path("functionName").asText()).isEqualTo("java-fn");
            assertThat(new String(Base64.getDecoder().decode(first.logResult()), StandardCharsets.UTF_8)).contains("java handler got {n=1}");
            assertThat(invokeJson(lambda, "java-fn", "{}").path("pid").asLong()).as("the warm JVM is reused")
                    .isEqualTo(answer.path("pid").asLong());

            InvokeResponse failed = lambda.invoke(r -> r.functionName("java-fn").payload(SdkBytes.fromUtf8String("{\"fail\": \"please\"}")));
            assertThat(failed.functionError()).isEqualTo("Unhandled");
            JsonNode error = JSON.readTree(failed.payload().asByteArray());
            assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.path("errorMessage").asText()).isEqualTo("asked to fail: please");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void rejectsBadInputWithLambdasErrorsAndLeavesNothingBehind(String kind) {
        try (ServerFixture fixture = new ServerFixture(kind); LambdaClient lambda = lambda(fixture)) {
            byte[] zip = FunctionZips.zip().file("app.py", PYTHON_HANDLER).bytes();
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime("cobol85").role(ROLE).handler("app.handler")
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))))).isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("The runtime parameter of cobol85 is not supported");
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role("not-a-role")
                    .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip))))).isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("'role'");
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                    .environment(e -> e.variables(Map.of("AWS_REGION", "eu-west-1"))))).isInstanceOf(InvalidParameterValueException.class)
                    .hasMessageContaining("Reserved keys used in this request: AWS_REGION");
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").timeout(901).code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("'timeout'");
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromUtf8String("not a zip")))))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Could not unzip uploaded file");
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").code(c -> c.s3Bucket("no-such-bucket").s3Key("code.zip"))))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("NoSuchBucket");
            assertThat(lambda.listFunctions().functions()).as("no failed create left a function").isEmpty();
            assertThat(fixture.server().functions().functions().codeZip(sha256Hex(zip))).as("nor its code").isEmpty();

            lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE).handler("app.handler")
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
            assertThatThrownBy(() -> lambda.createFunction(r -> r.functionName("f").runtime(Runtime.PYTHON3_12).role(ROLE)
                    .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip))))).isInstanceOf(ResourceConflictException.class)
                    .hasMessageContaining("Function already exist: f");
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("f").payload(SdkBytes.fromUtf8String("{not json"))))
                    .isInstanceOf(InvalidRequestContentException.class);
            assertThatThrownBy(() -> lambda.updateFunctionConfiguration(r -> r.functionName("f").memorySize(64)))
                    .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("MemorySize");
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("f").qualifier("7")))
                    .isInstanceOf(ResourceNotFoundException.class);
            assertThat(lambda.getFunctionConfiguration(r -> r.functionName("f")).memorySize()).isEqualTo(128);
        }
    }

    private static JsonNode invokeJson(LambdaClient lambda, String function, String payload) throws IOException {
        InvokeResponse response = lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
        assertThat(response.functionError()).as("function error of %s", response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asByteArray());
    }

    private static byte[] download(String url) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LambdaClient lambda(ServerFixture fixture) {
        return LambdaClient.builder().endpointOverride(URI.create(fixture.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(90)).build()).build();
    }
}
