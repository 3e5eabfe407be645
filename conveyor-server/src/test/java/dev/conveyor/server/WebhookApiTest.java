package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.GitPipelines.connection;
import static dev.conveyor.server.GitPipelines.gitHub;
import static dev.conveyor.server.GitPipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import software.amazon.awssdk.services.codeconnections.CodeConnectionsClient;
import software.amazon.awssdk.services.codeconnections.model.ProviderType;
import software.amazon.awssdk.services.codepipeline.model.GitConfiguration;
import software.amazon.awssdk.services.codepipeline.model.GitPullRequestEventType;
import software.amazon.awssdk.services.codepipeline.model.GitPullRequestFilter;
import software.amazon.awssdk.services.codepipeline.model.InvalidWebhookAuthenticationParametersException;
import software.amazon.awssdk.services.codepipeline.model.InvalidWebhookFilterPatternException;
import software.amazon.awssdk.services.codepipeline.model.ListWebhookItem;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.PipelineNotFoundException;
import software.amazon.awssdk.services.codepipeline.model.PipelineTriggerDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ValidationException;
import software.amazon.awssdk.services.codepipeline.model.WebhookAuthenticationType;
import software.amazon.awssdk.services.codepipeline.model.WebhookDefinition;
import software.amazon.awssdk.services.codepipeline.model.WebhookFilterRule;
import software.amazon.awssdk.services.codepipeline.model.WebhookNotFoundException;

/**
 * Webhooks: the PutWebhook family through the AWS SDK, and deliveries posted the way GitHub, GitLab and Gitea
 * post them (GitHub's and Gitea's signed with HMAC-SHA256 of the body), filtered by JSONPath rules and by V2
 * pull request triggers.
 */
class WebhookApiTest extends ServerApiTest {
    private static final String SECRET = "s3cr3t-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static CodeConnectionsClient connections;
    private static String selfConnection;

    @TempDir
    Path work;

    @BeforeParameterizedClassInvocation
    static void connectToThisServer() {
        connections = ServerFixture.sdkClient(CodeConnectionsClient.builder(), fixture.endpoint());
        // GitHub (version 1) sources and connections of these tests read this server's hosted repositories.
        String host = connections.createHost(r -> r.name("self").providerType(ProviderType.GIT_HUB_ENTERPRISE_SERVER)
                .providerEndpoint(fixture.endpoint() + "/v1/repos")).hostArn();
        selfConnection = connections.createConnection(r -> r.connectionName("self").hostArn(host)).connectionArn();
    }

    @AfterParameterizedClassInvocation
    static void closeClients() {
        connections.close();
    }

    private static WebhookDefinition definition(String name, String pipeline, WebhookAuthenticationType auth, String secret,
                                                String ipRange, WebhookFilterRule... filters) {
        return WebhookDefinition.builder().name(name).targetPipeline(pipeline).targetAction("Source").authentication(auth)
                .authenticationConfiguration(c -> c.secretToken(secret).allowedIPRange(ipRange)).filters(filters).build();
    }

    private static WebhookFilterRule rule(String path, String matchEquals) {
        return WebhookFilterRule.builder().jsonPath(path).matchEquals(matchEquals).build();
    }

    static String sign(String algorithm, String body) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), algorithm));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> deliver(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String githubPush(String ref, String after, String... files) {
        String list = String.join(",", java.util.Arrays.stream(files).map(f -> "\"" + f + "\"").toList());
        return "{\"ref\":\"" + ref + "\",\"before\":\"0000000000000000000000000000000000000000\",\"after\":\"" + after + "\","
                + "\"repository\":{\"full_name\":\"octo/site\"},\"head_commit\":{\"id\":\"" + after + "\",\"message\":\"change\"},"
                + "\"commits\":[{\"id\":\"" + after + "\",\"added\":[" + list + "],\"modified\":[],\"removed\":[]}]}";
    }

    private String pushHosted(String repo) {
        GitWorkTree tree = GitWorkTree.init(work.resolve(repo.replace('/', '-')), "main");
        String commit = tree.write("index.html", "<h1>hi</h1>").commit("the site");
        tree.push(fixture.gitUrl(repo), "main");
        return commit;
    }

    @Test
    void webhooksArePutListedRegisteredAndDeleted() {
        String pipeline = "hooked-" + databaseKind;
        client().createPipeline(r -> r.pipeline(pipeline(pipeline, gitHub("octo", "nothing", "main", false), null, "true")));
        ListWebhookItem put = client().putWebhook(r -> r.webhook(definition("hook-" + databaseKind, pipeline,
                WebhookAuthenticationType.GITHUB_HMAC, SECRET, null, rule("$.ref", "refs/heads/{Branch}")))
                .tags(t -> t.key("team").value("web"))).webhook();
        assertThat(put.url()).startsWith(fixture.endpoint() + "/webhooks/");
        assertThat(put.arn()).isEqualTo("arn:aws:codepipeline:us-east-1:000000000000:webhook:hook-" + databaseKind);
        client().tagResource(r -> r.resourceArn(put.arn()).tags(t -> t.key("team").value("platform")));
        assertThat(client().listTagsForResource(r -> r.resourceArn(put.arn())).tags())
                .as("a webhook is taggable through its ARN").anySatisfy(t -> assertThat(t.key()).isEqualTo("team"));
        assertThat(put.definition().filters().getFirst().matchEquals()).isEqualTo("refs/heads/{Branch}");
        assertThat(put.tags()).singleElement().satisfies(t -> assertThat(t.key()).isEqualTo("team"));
        ListWebhookItem again = client().putWebhook(r -> r.webhook(definition("hook-" + databaseKind, pipeline,
                WebhookAuthenticationType.UNAUTHENTICATED, null, null, rule("$.ref", "refs/heads/main")))).webhook();
        assertThat(again.url()).as("a webhook keeps its URL when it is put again").isEqualTo(put.url());
        assertThat(again.definition().authentication()).isEqualTo(WebhookAuthenticationType.UNAUTHENTICATED);
        assertThat(client().listWebhooks(r -> { }).webhooks()).extracting(w -> w.definition().name()).contains("hook-" + databaseKind);

        client().registerWebhookWithThirdParty(r -> r.webhookName("hook-" + databaseKind));
        client().deregisterWebhookWithThirdParty(r -> r.webhookName("hook-" + databaseKind));
        assertThatThrownBy(() -> client().registerWebhookWithThirdParty(r -> r.webhookName("nope")))
                .isInstanceOf(WebhookNotFoundException.class);

        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", pipeline, WebhookAuthenticationType.UNAUTHENTICATED,
                SECRET, null, rule("$.ref", null))))).isInstanceOf(InvalidWebhookAuthenticationParametersException.class);
        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", pipeline, WebhookAuthenticationType.IP,
                null, "not-a-range", rule("$.ref", null))))).isInstanceOf(InvalidWebhookAuthenticationParametersException.class);
        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", pipeline, WebhookAuthenticationType.GITHUB_HMAC,
                null, null, rule("$.ref", null))))).isInstanceOf(InvalidWebhookAuthenticationParametersException.class);
        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", pipeline, WebhookAuthenticationType.UNAUTHENTICATED,
                null, null, rule("$[?(", null))))).isInstanceOf(InvalidWebhookFilterPatternException.class);
        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", "no-such-pipeline",
                WebhookAuthenticationType.UNAUTHENTICATED, null, null, rule("$.ref", null))))).isInstanceOf(PipelineNotFoundException.class);
        assertThatThrownBy(() -> client().putWebhook(r -> r.webhook(definition("bad", pipeline, WebhookAuthenticationType.UNAUTHENTICATED,
                null, null, rule("$.ref", null)).toBuilder().targetAction("Build").build()))).isInstanceOf(ValidationException.class);

        client().deleteWebhook(r -> r.name("hook-" + databaseKind));
        assertThat(client().listWebhooks(r -> { }).webhooks()).extracting(w -> w.definition().name()).doesNotContain("hook-" + databaseKind);
    }

    @Test
    void aDeliverySignedTheWayGitHubSignsStartsThePipelineAndABadSignatureIsRefused() throws Exception {
        String repo = "octo/site-" + databaseKind;
        String commit = pushHosted(repo);
        String pipeline = "github-hook-" + databaseKind;
        client().createPipeline(r -> r.pipeline(pipeline(pipeline, gitHub("octo", "site-" + databaseKind, "main", false), null,
                "test -f index.html")));
        ListWebhookItem hook = client().putWebhook(r -> r.webhook(definition("gh-" + databaseKind, pipeline,
                WebhookAuthenticationType.GITHUB_HMAC, SECRET, null, rule("$.ref", "refs/heads/{Branch}")))).webhook();
        String body = githubPush("refs/heads/main", commit, "index.html");

        HttpResponse<String> forged = deliver(hook.url(), body, "X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + sign("HmacSHA256", body.replace("main", "evil")));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(deliver(hook.url(), body, "X-GitHub-Event", "push").statusCode()).as("unsigned").isEqualTo(403);
        assertThat(executionsSinceCreation(pipeline)).isEmpty();

        HttpResponse<String> ping = deliver(hook.url(), "{\"zen\":\"Keep it logically awesome.\"}", "X-GitHub-Event", "ping",
                "X-Hub-Signature-256", "sha256=" + sign("HmacSHA256", "{\"zen\":\"Keep it logically awesome.\"}"));
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).contains("\"started\":false").contains("$.ref");
        String other = githubPush("refs/heads/other", commit);
        assertThat(deliver(hook.url(), other, "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + sign("HmacSHA256", other)).body())
                .contains("\"started\":false");

        HttpResponse<String> signed = deliver(hook.url(), body, "X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + sign("HmacSHA256", body));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        assertThat(signed.body()).contains("\"started\":true");
        PipelineExecutionSummary run = executionsSinceCreation(pipeline).getFirst();
        assertThat(run.trigger().triggerTypeAsString()).isEqualTo("Webhook");
        assertThat(run.trigger().triggerDetail()).startsWith(hook.arn()).contains(commit);
        PipelineExecution done = awaitSettled(client(), pipeline, run.pipelineExecutionId());
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.artifactRevisions().getFirst().revisionId()).isEqualTo(commit);
        assertThat(client().listWebhooks(r -> { }).webhooks()).filteredOn(w -> w.arn().equals(hook.arn()))
                .singleElement().satisfies(w -> assertThat(w.lastTriggered()).isNotNull());

        // GitHub's older SHA-1 signature is accepted too.
        assertThat(deliver(hook.url(), body, "X-GitHub-Event", "push", "X-Hub-Signature", "sha1=" + sign("HmacSHA1", body)).body())
                .contains("\"started\":true");
    }

    @Test
    void gitLabAndGiteaDeliveriesAndAddressRangesAreAuthenticated() throws Exception {
        String repo = "octo/forge-" + databaseKind;
        String commit = pushHosted(repo);
        String pipeline = "forges-" + databaseKind;
        client().createPipeline(r -> r.pipeline(pipeline(pipeline, gitHub("octo", "forge-" + databaseKind, "main", false), null, "true")));
        String secretHook = client().putWebhook(r -> r.webhook(definition("forge-" + databaseKind, pipeline,
                WebhookAuthenticationType.GITHUB_HMAC, SECRET, null, rule("$.ref", "refs/heads/{Branch}")))).webhook().url();
        String gitlab = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"before\":\"0000000000000000000000000000000000000000\","
                + "\"after\":\"" + commit + "\",\"checkout_sha\":\"" + commit + "\",\"project\":{\"path_with_namespace\":\"octo/forge\"},"
                + "\"commits\":[{\"id\":\"" + commit + "\",\"message\":\"the site\",\"added\":[\"index.html\"],\"modified\":[],\"removed\":[]}]}";
        assertThat(deliver(secretHook, gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "wrong").statusCode()).isEqualTo(403);
        assertThat(deliver(secretHook, gitlab, "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET).body()).contains("\"started\":true");
        String gitea = githubPush("refs/heads/main", commit, "index.html");
        assertThat(deliver(secretHook, gitea, "X-Gitea-Event", "push", "X-Gitea-Signature", sign("HmacSHA256", gitea)).body())
                .contains("\"started\":true");

        String loopback = client().putWebhook(r -> r.webhook(definition("loopback-" + databaseKind, pipeline, WebhookAuthenticationType.IP,
                null, "127.0.0.0/8", rule("$.ref", null)))).webhook().url();
        String elsewhere = client().putWebhook(r -> r.webhook(definition("elsewhere-" + databaseKind, pipeline, WebhookAuthenticationType.IP,
                null, "10.0.0.0/8", rule("$.ref", null)))).webhook().url();
        assertThat(deliver(loopback, gitea, "X-Gitea-Event", "push").body()).contains("\"started\":true");
        assertThat(deliver(elsewhere, gitea, "X-Gitea-Event", "push").statusCode()).isEqualTo(403);
        assertThat(executionsSinceCreation(pipeline)).hasSize(3).allSatisfy(e -> assertThat(e.trigger().triggerTypeAsString()).isEqualTo("Webhook"));
    }

    @Test
    void pullRequestEventsStartAPipelineThroughItsTriggerFilters() throws Exception {
        String repo = "octo/pr-" + databaseKind;
        String commit = pushHosted(repo);
        String pipeline = "pull-requests-" + databaseKind;
        PipelineTriggerDeclaration trigger = PipelineTriggerDeclaration.builder().providerType("CodeStarSourceConnection")
                .gitConfiguration(GitConfiguration.builder().sourceActionName("Source").pullRequest(GitPullRequestFilter.builder()
                        .events(GitPullRequestEventType.OPEN, GitPullRequestEventType.UPDATED).branches(b -> b.includes("main")).build())
                        .build()).build();
        client().createPipeline(r -> r.pipeline(pipeline(pipeline, connection(selfConnection, repo, "main", null), trigger, "true")));
        String url = client().putWebhook(r -> r.webhook(definition("pr-" + databaseKind, pipeline, WebhookAuthenticationType.UNAUTHENTICATED,
                null, null, rule("$.action", null)))).webhook().url();

        assertThat(deliver(url, githubPullRequest("opened", "main", commit), "X-GitHub-Event", "pull_request").body()).contains("\"started\":true");
        assertThat(deliver(url, githubPullRequest("closed", "main", commit), "X-GitHub-Event", "pull_request").body()).contains("\"started\":false");
        assertThat(deliver(url, githubPullRequest("synchronize", "develop", commit), "X-GitHub-Event", "pull_request").body())
                .contains("\"started\":false");
        assertThat(deliver(url, githubPullRequest("synchronized", "main", commit), "X-Gitea-Event", "pull_request").body())
                .contains("\"started\":true");
        String mergeRequest = "{\"object_kind\":\"merge_request\",\"action\":\"open\",\"object_attributes\":{\"action\":\"open\","
                + "\"source_branch\":\"feature\",\"target_branch\":\"main\",\"last_commit\":{\"id\":\"" + commit + "\"}}}";
        assertThat(deliver(url, mergeRequest, "X-Gitlab-Event", "Merge Request Hook").body()).contains("\"started\":true");

        List<PipelineExecutionSummary> runs = executionsSinceCreation(pipeline);
        assertThat(runs).hasSize(3).allSatisfy(e -> {
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("WebhookV2");
            assertThat(e.trigger().triggerDetail()).contains("pull request").contains("feature -> main").contains(commit);
        });
        PipelineExecution built = awaitSettled(client(), pipeline, runs.getLast().pipelineExecutionId());
        assertThat(built.status()).as(built.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(built.artifactRevisions().getFirst().revisionId()).isEqualTo(commit);
    }

    private static String githubPullRequest(String action, String base, String head) {
        return "{\"action\":\"" + action + "\",\"number\":7,\"pull_request\":{\"title\":\"Login\",\"head\":{\"ref\":\"feature\",\"sha\":\""
                + head + "\"},\"base\":{\"ref\":\"" + base + "\"}}}";
    }
}
