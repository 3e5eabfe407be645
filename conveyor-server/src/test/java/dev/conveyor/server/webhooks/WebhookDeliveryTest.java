package dev.conveyor.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.triggers.GitEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading, authenticating and filtering deliveries, without a server. */
class WebhookDeliveryTest {
    private static JsonNode json(String text) {
        return ConveyorJson.read(text, JsonNode.class);
    }

    @Test
    void signaturesAreCheckedAsEachForgeSigns() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String sha256 = WebhookAuthentication.hmac("HmacSHA256", "secret", body);
        Map<String, String> github = Map.of("X-Hub-Signature-256", "sha256=" + sha256);
        assertThat(WebhookAuthentication.refusal("GITHUB_HMAC", "secret", null, github::get, body, "192.0.2.1")).isNull();
        assertThat(WebhookAuthentication.refusal("GITHUB_HMAC", "other", null, github::get, body, "192.0.2.1")).contains("does not match");
        assertThat(WebhookAuthentication.refusal("GITHUB_HMAC", "secret", null, Map.of("X-Gitea-Signature", sha256)::get, body, "x")).isNull();
        assertThat(WebhookAuthentication.refusal("GITHUB_HMAC", "secret", null, Map.<String, String>of()::get, body, "x")).contains("not signed");
        assertThat(WebhookAuthentication.refusal("IP", null, "192.0.2.0/24", Map.<String, String>of()::get, body, "192.0.2.77")).isNull();
        assertThat(WebhookAuthentication.refusal("IP", null, "192.0.2.0/24", Map.<String, String>of()::get, body, "198.51.100.1")).isNotNull();
        assertThat(WebhookAuthentication.refusal("IP", null, "2001:db8::/32", Map.<String, String>of()::get, body, "2001:db8::1")).isNull();
        assertThat(WebhookAuthentication.validRange("example.com/8")).isFalse();
    }

    @Test
    void filtersExpandTheTargetActionsConfiguration() {
        JsonNode payload = json("{\"ref\":\"refs/heads/main\",\"commits\":[{\"author\":{\"name\":\"ada\"}},{\"author\":{\"name\":\"bob\"}}]}");
        Map<String, String> config = Map.of("Branch", "main");
        assertThat(WebhookFilters.failedRule(List.of(new WebhookFilters.Rule("$.ref", "refs/heads/{Branch}")), payload, config)).isNull();
        assertThat(WebhookFilters.failedRule(List.of(new WebhookFilters.Rule("$.commits[*].author.name", "bob")), payload, config)).isNull();
        assertThat(WebhookFilters.failedRule(List.of(new WebhookFilters.Rule("$.ref", "refs/heads/dev")), payload, config)).contains("$.ref");
        assertThat(WebhookFilters.failedRule(List.of(new WebhookFilters.Rule("$.missing", null)), payload, config)).contains("selects nothing");
        assertThat(WebhookFilters.invalidPath("$[?(")).isNotNull();
    }

    @Test
    void pushAndPullRequestPayloadsOfEachForgeBecomeGitEvents() {
        GitEvent push = WebhookPayloads.parse(Map.of("X-GitHub-Event", "push")::get, json("{\"ref\":\"refs/tags/v1\",\"after\":\"abc\","
                + "\"commits\":[{\"added\":[\"a\"],\"modified\":[\"b\"],\"removed\":[\"c\"]}]}"));
        assertThat(push.tag()).isEqualTo("v1");
        assertThat(push.changedFiles()).containsExactly("a", "b", "c");
        assertThat(WebhookPayloads.parse(Map.of("X-GitHub-Event", "push")::get,
                json("{\"ref\":\"refs/heads/x\",\"after\":\"0000000000000000000000000000000000000000\",\"deleted\":true}")))
                .as("a deletion starts nothing").isNull();
        GitEvent gitlab = WebhookPayloads.parse(Map.of("X-Gitlab-Event", "Merge Request Hook")::get, json("{\"object_attributes\":"
                + "{\"action\":\"merge\",\"source_branch\":\"f\",\"target_branch\":\"main\",\"last_commit\":{\"id\":\"abc\"}}}"));
        assertThat(gitlab.pullRequestAction()).isEqualTo("CLOSED");
        assertThat(gitlab.targetBranch()).isEqualTo("main");
        assertThat(gitlab.branch()).isEqualTo("f");
        assertThat(WebhookPayloads.parse(Map.of("X-GitHub-Event", "issues")::get, json("{}"))).isNull();
    }
}
