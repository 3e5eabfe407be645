package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire protocol itself, seen with a plain HTTP client: status codes, error documents, headers, timestamps. */
class AwsJsonProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerFixture server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = new ServerFixture("h2");
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private static HttpResponse<String> post(String target, String body) throws Exception {
        java.util.Map<String, String> headers = new java.util.HashMap<>(java.util.Map.of("Content-Type", "application/x-amz-json-1.1"));
        if (target != null) {
            headers.put("X-Amz-Target", target);
        }
        return http.send(dev.conveyor.testkit.TestSigner.request("POST", URI.create(server.endpoint() + "/"), headers,
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "codepipeline").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzAnswersOkOnceStarted() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("ok");
    }

    @Test
    void malformedJsonIsA400SerializationExceptionAndTheServerKeepsServing() throws Exception {
        HttpResponse<String> bad = post("CodePipeline_20150709.GetPipeline", "{\"name\": ");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(bad.body());
        assertThat(error.get("__type").asText()).isEqualTo("SerializationException");
        assertThat(error.get("message").asText()).contains("not valid JSON");
        assertThat(bad.headers().firstValue("x-amzn-ErrorType")).contains("SerializationException");
        assertThat(bad.headers().firstValue("x-amzn-RequestId")).isPresent();

        HttpResponse<String> notAnObject = post("CodePipeline_20150709.ListPipelines", "[1,2]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notAnObject.body()).get("__type").asText()).isEqualTo("SerializationException");

        HttpResponse<String> good = post("CodePipeline_20150709.ListPipelines", "{}");
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/x-amz-json-1.1"));
    }

    @Test
    void aWrongJsonTypeNamesTheMember() throws Exception {
        HttpResponse<String> response = post("CodePipeline_20150709.GetPipeline", "{\"name\": \"p\", \"version\": \"two\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("__type").asText()).isEqualTo("SerializationException");
        assertThat(error.get("message").asText()).contains("'version'");
    }

    @Test
    void aMissingRequiredMemberIsAValidationException() throws Exception {
        HttpResponse<String> response = post("CodePipeline_20150709.GetPipeline", "{}");
        JsonNode error = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error.get("__type").asText()).isEqualTo("ValidationException");
        assertThat(error.get("message").asText()).isEqualTo("Value null at 'name' failed to satisfy constraint: Member must not be null");
    }

    @Test
    void unknownOperationsAndTargetsAreUnknownOperationException() throws Exception {
        for (String target : new String[] {"CodePipeline_20150709.NoSuchOperation", "NoSuchService_20200101.Anything"}) {
            HttpResponse<String> response = post(target, "{}");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("__type").asText()).isEqualTo("UnknownOperationException");
        }
    }

    @Test
    void timestampsAreEpochSecondsNumbers() throws Exception {
        String pipeline = """
                {"pipeline": {"name": "ts", "roleArn": "arn:aws:iam::111111111111:role/r",
                 "artifactStore": {"type": "S3", "location": "bucket-one"},
                 "stages": [
                  {"name": "Source", "actions": [{"name": "S", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                     "configuration": {"S3Bucket": "b", "S3ObjectKey": "k"}, "outputArtifacts": [{"name": "A"}]}]},
                  {"name": "Approve", "actions": [{"name": "Ok", "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}}]}
                 ]}}""";
        assertThat(post("CodePipeline_20150709.CreatePipeline", pipeline).statusCode()).isEqualTo(200);
        JsonNode got = JSON.readTree(post("CodePipeline_20150709.GetPipeline", "{\"name\": \"ts\"}").body());
        JsonNode created = got.path("metadata").path("created");
        assertThat(created.isNumber()).isTrue();
        assertThat(created.asDouble()).isBetween(1.7e9, 1e10);
        assertThat(got.path("pipeline").has("runOrder")).isFalse();
        assertThat(got.path("pipeline").path("stages").get(1).path("actions").get(0).has("configuration"))
                .as("absent members stay absent").isFalse();
    }

    @Test
    void aMalformedSignatureOrAnUnknownKeyIsRefused() throws Exception {
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .header("X-Amz-Target", "CodePipeline_20150709.ListPipelines")
                .header("Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("__type").asText()).isEqualTo("IncompleteSignatureException");

        HttpResponse<String> any = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .header("X-Amz-Target", "CodePipeline_20150709.ListPipelines")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=ANYKEY/20260101/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=abc")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(any.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(any.body()).get("__type").asText()).isEqualTo("UnrecognizedClientException");
    }
}
