package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;

/**
 * Input that used to reach the operations and fail there with a 500 (issue 13, item 12): strings with a NUL
 * character, which PostgreSQL cannot store, and values of the wrong form that only the AWS SDK's types keep
 * clients from sending. Each is now a 400 of a modelled type naming the member, on both databases, and leaves
 * nothing behind.
 */
class MalformedInputApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aNulCharacterIsAValidationErrorNamingTheMemberAndNothingIsStored(String database) {
        try (ServerFixture server = new ServerFixture(database); CodeBuildClients clients = new CodeBuildClients(server.endpoint())) {
            assertRejected(() -> clients.ssm.putParameter(r -> r.name("/app/token").value("se\u0000cret")), "Value");
            assertRejected(() -> clients.ssm.putParameter(r -> r.name("/app/\u0000token").value("secret")), "Name");
            assertRejected(() -> clients.secrets.createSecret(r -> r.name("db\u0000password").secretString("x")), "Name");
            assertRejected(() -> clients.codeBuild.createProject(r -> r.name("nul-project").serviceRole("role\u0000")
                    .source(s -> s.type(SourceType.NO_SOURCE).buildspec("version: 0.2"))
                    .artifacts(a -> a.type(ArtifactsType.NO_ARTIFACTS)).environment(CodeBuildClients.hostEnvironment())), "serviceRole");
            assertRejected(() -> server.client().tagResource(r -> r.resourceArn("arn:aws:codepipeline:us-east-1:000000000000:p")
                    .tags(t -> t.key("team").value("a\u0000b"))), "tags[0].value");
            assertRejected(() -> server.client().putThirdPartyJobSuccessResult(r -> r.jobId("job\u0000").clientToken("t")), "jobId");
            assertRejected(() -> server.client().createCustomActionType(r -> r.category(ActionCategory.BUILD).provider("Nul\u0000Builder")
                    .version("1").inputArtifactDetails(d -> d.minimumCount(0).maximumCount(1))
                    .outputArtifactDetails(d -> d.minimumCount(0).maximumCount(1))), "provider");

            assertThat(clients.ssm.describeParameters().parameters()).isEmpty();
            assertThat(clients.secrets.listSecrets().secretList()).isEmpty();
            assertThat(clients.codeBuild.listProjects().projects()).isEmpty();
            assertThat(server.client().listActionTypes(r -> r.actionOwnerFilter("Custom")).actionTypes()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void valuesOfTheWrongFormAreClientErrorsNamingTheMember(String database) throws Exception {
        try (ServerFixture server = new ServerFixture(database); HttpClient http = HttpClient.newHttpClient()) {
            JsonNode created = post(http, server, "CodePipeline_20150709.PutActionRevision", """
                    {"pipelineName": "p", "stageName": "Source", "actionName": "Source",
                     "actionRevision": {"revisionId": "r1", "revisionChangeId": "c1", "created": "yesterday"}}""");
            assertThat(created.get("__type").asText()).isEqualTo("SerializationException");
            assertThat(created.get("message").asText()).contains("'actionRevision.created'");

            JsonNode nullTag = post(http, server, "CodePipeline_20150709.CreateCustomActionType", customActionType("NullTag", "\"tags\": [null]"));
            assertThat(nullTag.get("__type").asText()).isEqualTo("ValidationException");
            assertThat(nullTag.get("message").asText()).contains("'tags[0]'", "must not be null");

            JsonNode nullActionType = post(http, server, "ConveyorAgent_20251125.PollForAgentJobs",
                    "{\"workerId\": \"w1\", \"actionTypes\": [null], \"waitSeconds\": 0}");
            assertThat(nullActionType.get("__type").asText()).isEqualTo("ValidationException");
            assertThat(nullActionType.get("message").asText()).contains("'actionTypes[0]'");

            // A member set to null is absent, as on AWS: the property simply has no type.
            JsonNode nullType = post(http, server, "CodePipeline_20150709.CreateCustomActionType", customActionType("NullType",
                    "\"configurationProperties\": [{\"name\": \"Url\", \"required\": true, \"key\": false, \"secret\": false, \"type\": null}]"));
            assertThat(nullType.has("__type")).as(nullType.toString()).isFalse();
            assertThat(server.client().listActionTypes(r -> r.actionOwnerFilter("Custom")).actionTypes())
                    .singleElement().satisfies(type -> {
                        assertThat(type.id().provider()).isEqualTo("NullType");
                        assertThat(type.actionConfigurationProperties()).singleElement()
                                .satisfies(property -> assertThat(property.type()).isNull());
                    });
        }
    }

    private static String customActionType(String provider, String extra) {
        return """
                {"category": "Build", "provider": "%s", "version": "1",
                 "inputArtifactDetails": {"minimumCount": 0, "maximumCount": 1},
                 "outputArtifactDetails": {"minimumCount": 0, "maximumCount": 1}, %s}""".formatted(provider, extra);
    }

    private static JsonNode post(HttpClient http, ServerFixture server, String target, String body) throws Exception {
        HttpResponse<String> response = http.send(dev.conveyor.testkit.TestSigner.json(URI.create(server.endpoint() + "/"), target, body)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 400);
        return JSON.readTree(response.body());
    }

    private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String member) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(e.awsErrorDetails().errorMessage()).contains("'" + member + "'", "NUL").doesNotContain("\u0000");
        });
    }
}
