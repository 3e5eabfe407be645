package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.GitPipelines.connection;
import static dev.conveyor.server.GitPipelines.gitHub;
import static dev.conveyor.server.GitPipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import software.amazon.awssdk.services.codeconnections.CodeConnectionsClient;
import software.amazon.awssdk.services.codeconnections.model.Connection;
import software.amazon.awssdk.services.codeconnections.model.ConnectionStatus;
import software.amazon.awssdk.services.codeconnections.model.ProviderType;
import software.amazon.awssdk.services.codeconnections.model.ResourceNotFoundException;
import software.amazon.awssdk.services.codeconnections.model.ResourceUnavailableException;
import software.amazon.awssdk.services.codeconnections.model.Tag;
import software.amazon.awssdk.services.codepipeline.model.GitConfiguration;
import software.amazon.awssdk.services.codepipeline.model.GitPushFilter;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.PipelineTriggerDeclaration;
import software.amazon.awssdk.services.codestarconnections.CodeStarConnectionsClient;

/**
 * The CodeConnections API (under both of its names) through the AWS SDK, and the sources that read through
 * connections: a file:// host, this server's own /v1/repos with V2 trigger filters on pushes, and GitHub
 * version 1 sources resolved through a GitHub Enterprise Server host.
 */
class ConnectionsApiTest extends ServerApiTest {
    private static CodeConnectionsClient connections;
    private static CodeStarConnectionsClient codestar;

    @TempDir
    Path work;

    @BeforeParameterizedClassInvocation
    static void connectClients() {
        connections = ServerFixture.sdkClient(CodeConnectionsClient.builder(), fixture.endpoint());
        codestar = ServerFixture.sdkClient(CodeStarConnectionsClient.builder(), fixture.endpoint());
    }

    @AfterParameterizedClassInvocation
    static void closeClients() {
        connections.close();
        codestar.close();
    }

    private String fileHost(String name, ProviderType type, Path root) {
        return connections.createHost(r -> r.name(name).providerType(type).providerEndpoint(root.toUri().toString())).hostArn();
    }

    @Test
    void hostsAndConnectionsAreManagedUnderBothServiceNames() {
        String hostArn = fileHost("Team forge", ProviderType.GIT_LAB_SELF_MANAGED, work);
        assertThat(hostArn).startsWith("arn:aws:codeconnections:us-east-1:000000000000:host/Team-forge-");
        assertThat(connections.getHost(r -> r.hostArn(hostArn))).satisfies(h -> {
            assertThat(h.name()).isEqualTo("Team forge");
            assertThat(h.status()).isEqualTo("AVAILABLE");
            assertThat(h.providerEndpoint()).isEqualTo(work.toUri().toString());
        });
        String viaHost = connections.createConnection(r -> r.connectionName("forge").hostArn(hostArn)
                .tags(Tag.builder().key("team").value("web").build())).connectionArn();
        String github = connections.createConnection(r -> r.connectionName("public").providerType(ProviderType.GIT_HUB)).connectionArn();
        String pending = connections.createConnection(r -> r.connectionName("nowhere").providerType(ProviderType.GIT_HUB_ENTERPRISE_SERVER))
                .connectionArn();

        Connection forge = connections.getConnection(r -> r.connectionArn(viaHost)).connection();
        assertThat(forge.connectionStatus()).isEqualTo(ConnectionStatus.AVAILABLE);
        assertThat(forge.providerType()).isEqualTo(ProviderType.GIT_LAB_SELF_MANAGED);
        assertThat(forge.hostArn()).isEqualTo(hostArn);
        assertThat(forge.ownerAccountId()).isEqualTo("000000000000");
        assertThat(connections.getConnection(r -> r.connectionArn(github)).connection().connectionStatus()).isEqualTo(ConnectionStatus.AVAILABLE);
        assertThat(connections.getConnection(r -> r.connectionArn(pending)).connection().connectionStatus()).isEqualTo(ConnectionStatus.PENDING);

        // The CodeStar connections name of the API finds the same connection under its own ARN prefix.
        String codestarArn = viaHost.replace(":codeconnections:", ":codestar-connections:");
        assertThat(codestar.getConnection(r -> r.connectionArn(codestarArn)).connection().connectionName()).isEqualTo("forge");
        String codestarConnection = codestar.createConnection(r -> r.connectionName("old-style")
                .hostArn(hostArn.replace(":codeconnections:", ":codestar-connections:"))).connectionArn();
        assertThat(codestarConnection).startsWith("arn:aws:codestar-connections:us-east-1:000000000000:connection/");

        assertThat(connections.listConnections(r -> r.hostArnFilter(hostArn)).connections()).extracting(Connection::connectionName)
                .containsExactlyInAnyOrder("forge", "old-style");
        assertThat(connections.listConnections(r -> r.providerTypeFilter(ProviderType.GIT_HUB)).connections())
                .extracting(Connection::connectionName).contains("public").doesNotContain("forge");
        var firstPage = connections.listConnections(r -> r.maxResults(2));
        assertThat(firstPage.connections()).hasSize(2);
        assertThat(firstPage.nextToken()).isNotNull();
        assertThat(connections.listConnections(r -> r.maxResults(2).nextToken(firstPage.nextToken())).connections()).hasSize(2);

        assertThat(connections.listTagsForResource(r -> r.resourceArn(viaHost)).tags()).extracting(Tag::key).containsExactly("team");
        connections.tagResource(r -> r.resourceArn(viaHost).tags(Tag.builder().key("tier").value("1").build()));
        connections.untagResource(r -> r.resourceArn(viaHost).tagKeys("team"));
        assertThat(connections.listTagsForResource(r -> r.resourceArn(viaHost)).tags()).extracting(Tag::key).containsExactly("tier");

        assertThatThrownBy(() -> connections.deleteHost(r -> r.hostArn(hostArn))).isInstanceOf(ResourceUnavailableException.class);
        connections.deleteConnection(r -> r.connectionArn(viaHost));
        codestar.deleteConnection(r -> r.connectionArn(codestarConnection));
        connections.deleteHost(r -> r.hostArn(hostArn));
        assertThatThrownBy(() -> connections.getConnection(r -> r.connectionArn(viaHost))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> connections.getHost(r -> r.hostArn(hostArn))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aConnectionSourceFetchesFromARepositoryServedAtAFileUrl() {
        Path forge = work.resolve("forge");
        GitWorkTree.initBare(forge.resolve("team/lib.git"));
        GitWorkTree tree = GitWorkTree.init(work.resolve("lib"), "main");
        String commit = tree.write("lib.txt", "library\n").commit("the library");
        tree.push(forge.resolve("team/lib.git").toUri().toString(), "main");
        String host = fileHost("files-" + databaseKind, ProviderType.GIT_LAB_SELF_MANAGED, forge);
        String arn = connections.createConnection(r -> r.connectionName("files").hostArn(host)).connectionArn();
        client().createPipeline(r -> r.pipeline(pipeline("file-" + databaseKind, connection(arn, "team/lib", "main", null), null,
                "test \"$(cat lib.txt)\" = library", "test '#{SourceVariables.FullRepositoryName}' = team/lib",
                "test '#{SourceVariables.ProviderType}' = GitLabSelfManaged")));

        String id = client().startPipelineExecution(r -> r.name("file-" + databaseKind)).pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "file-" + databaseKind, id);

        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.artifactRevisions().getFirst().revisionId()).isEqualTo(commit);
        assertThat(done.artifactRevisions().getFirst().revisionSummary()).isEqualTo(
                "{\"ProviderType\":\"GitLabSelfManaged\",\"CommitMessage\":\"the library\"}");
        assertThat(sourceVariables("file-" + databaseKind, id)).containsEntry("ConnectionArn", arn).containsEntry("CommitId", commit);

        // DetectChanges (the default) on a server that cannot tell Conveyor of pushes: the poller watches it.
        var poller = fixture.server().sources().poller();
        poller.pollOnce();
        String next = tree.write("lib.txt", "library 2\n").commit("the library, again");
        tree.push(forge.resolve("team/lib.git").toUri().toString(), "main");
        poller.pollOnce();
        assertThat(executionsSinceCreation("file-" + databaseKind)).first().satisfies(e -> {
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("PollForSourceChanges");
            assertThat(e.trigger().triggerDetail()).contains(next);
        });
    }

    @Test
    void pushesToHostedRepositoriesStartConnectionSourcesByTheirTriggerFilters() {
        String repo = "team/app-" + databaseKind;
        String host = connections.createHost(r -> r.name("this server").providerType(ProviderType.GIT_LAB_SELF_MANAGED)
                .providerEndpoint(fixture.endpoint() + "/v1/repos")).hostArn();
        String arn = connections.createConnection(r -> r.connectionName("self").hostArn(host)).connectionArn();
        PipelineTriggerDeclaration trigger = PipelineTriggerDeclaration.builder().providerType("CodeStarSourceConnection")
                .gitConfiguration(GitConfiguration.builder().sourceActionName("Source").push(
                        GitPushFilter.builder().branches(b -> b.includes("release/**").excludes("release/old*"))
                                .filePaths(f -> f.includes("src/**")).build(),
                        GitPushFilter.builder().tags(t -> t.includes("v*")).build()).build()).build();
        String triggered = "triggered-" + databaseKind;
        String plain = "default-" + databaseKind;
        client().createPipeline(r -> r.pipeline(pipeline(triggered, connection(arn, repo, "main", null), trigger,
                "echo built #{SourceVariables.BranchName}")));
        client().createPipeline(r -> r.pipeline(pipeline(plain, connection(arn, repo, "main", null), null, "true")));
        String url = fixture.gitUrl(repo);
        GitWorkTree tree = GitWorkTree.init(work.resolve("app"), "main");
        tree.write("src/app.txt", "v1").write("docs/readme.md", "docs").commit("first");

        assertThat(tree.push(url, "main")).as("a trigger replaces the default detection")
                .contains("started pipeline " + plain).doesNotContain(triggered);
        tree.checkoutNew("release/1").write("docs/readme.md", "more docs").commit("docs only");
        assertThat(tree.push(url, "release/1")).doesNotContain("started pipeline");
        String release = tree.write("src/app.txt", "v2").commit("code change");
        assertThat(tree.push(url, "release/1")).contains("started pipeline " + triggered).doesNotContain(plain);
        tree.checkoutNew("release/old-2").write("src/app.txt", "v3").commit("old line");
        assertThat(tree.push(url, "release/old-2")).doesNotContain("started pipeline");
        tree.git("tag", "v2.0", release);
        assertThat(tree.push(url, "v2.0")).contains("started pipeline " + triggered);

        List<PipelineExecutionSummary> runs = executionsSinceCreation(triggered);
        assertThat(runs).hasSize(2).allSatisfy(e -> assertThat(e.trigger().triggerTypeAsString()).isEqualTo("WebhookV2"));
        assertThat(runs).extracting(e -> e.trigger().triggerDetail()).anySatisfy(d -> assertThat(d).contains("refs/tags/v2.0"))
                .anySatisfy(d -> assertThat(d).contains("refs/heads/release/1 " + release));
        PipelineExecutionSummary branchRun = runs.stream().filter(e -> e.trigger().triggerDetail().contains("refs/heads/")).findFirst().orElseThrow();
        PipelineExecution built = awaitSettled(client(), triggered, branchRun.pipelineExecutionId());
        assertThat(built.status()).as(built.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(built.artifactRevisions().getFirst().revisionId()).isEqualTo(release);
        assertThat(sourceVariables(triggered, branchRun.pipelineExecutionId())).containsEntry("BranchName", "release/1");
        assertThat(executionsSinceCreation(plain)).singleElement().satisfies(e -> assertThat(e.trigger().triggerTypeAsString()).isEqualTo("Webhook"));
    }

    @Test
    void aGitHubVersionOneSourceReadsThroughTheGitHubEnterpriseServerHost() {
        Path forge = work.resolve("github");
        GitWorkTree.initBare(forge.resolve("octo/hello.git"));
        GitWorkTree tree = GitWorkTree.init(work.resolve("hello"), "main");
        String commit = tree.write("hello.txt", "hi\n").commit("hello");
        tree.push(forge.resolve("octo/hello.git").toUri().toString(), "main");
        fileHost("enterprise-" + databaseKind, ProviderType.GIT_HUB_ENTERPRISE_SERVER, forge);
        client().createPipeline(r -> r.pipeline(pipeline("github-" + databaseKind, gitHub("octo", "hello", "main", false), null,
                "test \"$(cat hello.txt)\" = hi")));

        String id = client().startPipelineExecution(r -> r.name("github-" + databaseKind)).pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "github-" + databaseKind, id);

        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(sourceVariables("github-" + databaseKind, id)).containsEntry("CommitId", commit).containsEntry("RepositoryName", "hello")
                .containsEntry("BranchName", "main").containsKey("CommitUrl");
    }
}
