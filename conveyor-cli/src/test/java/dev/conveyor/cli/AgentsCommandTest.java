package dev.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testkit.TestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code conveyor agents add|list|revoke}: agents sign with keys of their own, limited to the agent API, revocable at once. */
class AgentsCommandTest {
    @RegisterExtension
    static final CliServer server = CliServer.perClass();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAgentGetsItsOwnKeyLimitedToTheAgentApiAndIsRefusedOnceRevoked() throws Exception {
        CliServer.Result added = server.conveyor("agents", "add", "builder-1");
        assertThat(added.exitCode()).as(added.err()).isZero();
        Matcher id = Pattern.compile("aws_access_key_id = (\\S+)").matcher(added.out());
        Matcher secret = Pattern.compile("aws_secret_access_key = (\\S+)").matcher(added.out());
        assertThat(id.find() && secret.find()).as(added.out()).isTrue();
        TestSigner agent = new TestSigner(id.group(1), secret.group(1), "us-east-1");

        assertThat(server.conveyor("agents", "list").out()).contains("builder-1").contains(id.group(1)).contains("active");
        HttpResponse<String> release = call(agent, "ConveyorAgent_20251125.ReleaseAgentJobs", "{\"workerId\": \"builder-1\"}");
        assertThat(release.statusCode()).as(release.body()).isEqualTo(200);
        HttpResponse<String> pipelines = call(agent, "CodePipeline_20150709.ListPipelines", "{}");
        assertThat(JSON.readTree(pipelines.body()).path("__type").asText()).as("the agent's policy is the agent API only")
                .isEqualTo("AccessDeniedException");

        CliServer.Result revoked = server.conveyor("agents", "revoke", "builder-1");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        HttpResponse<String> refused = call(agent, "ConveyorAgent_20251125.ReleaseAgentJobs", "{\"workerId\": \"builder-1\"}");
        JsonNode error = JSON.readTree(refused.body());
        assertThat(error.path("__type").asText()).as("refused at once").isEqualTo("UnrecognizedClientException");
        assertThat(server.conveyor("agents", "list").out()).contains("builder-1").contains("revoked");
        assertThat(server.conveyor("agents", "revoke", "no-such-agent").err()).contains("no agent named no-such-agent");
    }

    private static HttpResponse<String> call(TestSigner signer, String target, String body) throws Exception {
        URI uri = URI.create(server.endpoint() + "/");
        var request = java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", target);
        headers.forEach(request::header);
        signer.sign("POST", uri, headers, body.getBytes(StandardCharsets.UTF_8), "conveyor").forEach(request::header);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
