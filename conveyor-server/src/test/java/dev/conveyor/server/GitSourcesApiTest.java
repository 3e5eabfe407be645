package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.GitPipelines.codeCommit;
import static dev.conveyor.server.GitPipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ArtifactRevision;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.SourceRevisionType;

/**
 * Hosted git repositories and CodeCommit sources, with the real git client over HTTP: pushing creates
 * repositories, clones and fetches read them, a push starts event-driven pipelines before it returns, polled
 * sources start on the poller, revision overrides pick commits, and both output formats are what they say.
 */
class GitSourcesApiTest extends ServerApiTest {
    private static final Pattern STARTED = Pattern.compile("started pipeline (\\S+) \\(execution ([0-9a-f-]{36})\\)");

    @TempDir
    Path work;

    private static String repoUrl(String name) {
        return fixture.gitUrl(name);
    }

    @Test
    void theGitClientPushesClonesAndFetchesBranchesAndTagsAndTheFirstPushCreatesTheRepository() {
        GitWorkTree tree = GitWorkTree.init(work.resolve("dev"), "main");
        String first = tree.write("README.md", "hello\n").commit("first");
        tree.git("tag", "v1.0");
        tree.checkoutNew("feature/login").write("login.txt", "form\n").commit("login form");
        tree.push(repoUrl("team/created-" + databaseKind), "main", "feature/login", "v1.0");

        GitWorkTree.Result refs = GitWorkTree.run(work, "ls-remote", repoUrl("team/created-" + databaseKind));
        assertThat(refs.output()).contains(first + "\trefs/heads/main").contains("refs/heads/feature/login").contains("refs/tags/v1.0")
                .contains("HEAD");
        GitWorkTree.Result clone = GitWorkTree.run(work, "clone", "-q", repoUrl("team/created-" + databaseKind) + ".git", "copy");
        assertThat(clone.exit()).as(clone.output()).isZero();
        assertThat(work.resolve("copy/README.md")).hasContent("hello");
        assertThat(GitWorkTree.run(work.resolve("copy"), "rev-parse", "--abbrev-ref", "HEAD").output().strip())
                .as("HEAD of a new repository names the first branch pushed").isEqualTo("main");

        String second = tree.checkout("main").write("README.md", "hello again\n").commit("second");
        tree.push(repoUrl("team/created-" + databaseKind), "main");
        assertThat(GitWorkTree.run(work.resolve("copy"), "pull", "-q").exit()).isZero();
        assertThat(GitWorkTree.run(work.resolve("copy"), "rev-parse", "HEAD").output().strip()).isEqualTo(second);

        GitWorkTree.Result missing = GitWorkTree.run(work, "clone", "-q", repoUrl("no-such-repo"), "none");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.output()).contains("not found");
        GitWorkTree.Result badName = GitWorkTree.run(tree.dir(), "push", fixture.gitUrl(".hidden"), "main");
        assertThat(badName.exit()).isNotZero();
    }

    @Test
    void aPushStartsTheEventDrivenPipelineBeforeItReturnsAndTheExecutionNamesTheCommit() throws Exception {
        String repo = "web-" + databaseKind;
        client().createPipeline(r -> r.pipeline(pipeline("push-" + databaseKind, codeCommit(repo, "main", false, null), null,
                "test \"$(cat app.txt)\" = 'v1'", "test ! -e .git",
                "test '#{SourceVariables.BranchName}' = main", "test '#{SourceVariables.RepositoryName}' = " + repo)));
        GitWorkTree tree = GitWorkTree.init(work.resolve("web"), "main");
        String commit = tree.write("app.txt", "v1").commit("Add the app\n\nWith a body.");

        String output = tree.push(repoUrl(repo), "main");

        Matcher started = STARTED.matcher(output);
        assertThat(started.find()).as(output).isTrue();
        String executionId = started.group(2);
        // The start is recorded by the time git push returns: no waiting.
        assertThat(executionsSinceCreation("push-" + databaseKind)).singleElement().satisfies(e -> {
            assertThat(e.pipelineExecutionId()).isEqualTo(executionId);
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("CloudWatchEvent");
            assertThat(e.trigger().triggerDetail()).contains(commit).contains("refs/heads/main").contains(repo);
        });

        PipelineExecution done = awaitSettled(client(), "push-" + databaseKind, executionId);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        ArtifactRevision revision = done.artifactRevisions().getFirst();
        assertThat(revision.revisionId()).isEqualTo(commit);
        assertThat(revision.revisionSummary()).startsWith("Add the app");
        assertThat(revision.revisionUrl()).isEqualTo(fixture.endpoint() + "/v1/repos/" + repo + "/commit/" + commit);
        assertThat(revision.created()).isNotNull();
        // The commit view is the repository's content: GitPull, with credentials as for git.
        HttpResponse<String> view = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(revision.revisionUrl()))
                .header("Authorization", AdministratorKey.of(fixture.dataDir()).basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("\"commitId\" : \"" + commit + "\"").contains("Ada Lovelace");
        assertThat(sourceVariables("push-" + databaseKind, executionId)).containsEntry("CommitId", commit)
                .containsEntry("CommitMessage", "Add the app\n\nWith a body.").containsEntry("BranchName", "main")
                .containsEntry("RepositoryName", repo).containsKeys("AuthorDate", "CommitterDate");

        tree.checkoutNew("other").write("app.txt", "v2").commit("elsewhere");
        String elsewhere = tree.push(repoUrl(repo), "other");
        assertThat(elsewhere).doesNotContain("started pipeline");
        assertThat(executionsSinceCreation("push-" + databaseKind)).hasSize(1);
    }

    @Test
    void aSourceThatPollsIsStartedByThePollerWhenItsBranchMoves() {
        String repo = "polled-" + databaseKind;
        GitWorkTree tree = GitWorkTree.init(work.resolve("polled"), "main");
        tree.write("app.txt", "v1").commit("one");
        assertThat(tree.push(repoUrl(repo), "main")).doesNotContain("started pipeline");
        client().createPipeline(r -> r.pipeline(pipeline("poll-" + databaseKind, codeCommit(repo, "main", true, null), null, "true")));
        var poller = fixture.server().sources().poller();
        poller.pollOnce(); // the first look only records where the branch is
        assertThat(executionsSinceCreation("poll-" + databaseKind)).isEmpty();

        String two = tree.write("app.txt", "v2").commit("two");
        assertThat(tree.push(repoUrl(repo), "main")).as("a polled source is not started by the push").doesNotContain("started pipeline");
        poller.pollOnce();
        poller.pollOnce();

        assertThat(executionsSinceCreation("poll-" + databaseKind)).singleElement().satisfies(e -> {
            assertThat(e.trigger().triggerTypeAsString()).isEqualTo("PollForSourceChanges");
            assertThat(e.trigger().triggerDetail()).contains(two);
            assertThat(awaitSettled(client(), "poll-" + databaseKind, e.pipelineExecutionId()).artifactRevisions().getFirst().revisionId())
                    .isEqualTo(two);
        });
    }

    @Test
    void aRevisionOverrideBuildsTheNamedCommitAndACloneRefCarriesTheHistory() {
        String repo = "history-" + databaseKind;
        GitWorkTree tree = GitWorkTree.init(work.resolve("history"), "main");
        String one = tree.write("app.txt", "v1").commit("one");
        tree.write("app.txt", "v2").commit("two");
        tree.push(repoUrl(repo), "main");
        client().createPipeline(r -> r.pipeline(pipeline("override-" + databaseKind, codeCommit(repo, "main", true, "CODEBUILD_CLONE_REF"),
                null, "test \"$(cat app.txt)\" = v1", "test \"$(git rev-parse HEAD)\" = " + one,
                "git log --format=%s | grep -qx one", "git remote get-url origin | grep -q /v1/repos/" + repo)));

        String id = client().startPipelineExecution(r -> r.name("override-" + databaseKind).sourceRevisions(s -> s.actionName("Source")
                .revisionType(SourceRevisionType.COMMIT_ID).revisionValue(one))).pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "override-" + databaseKind, id);
        assertThat(done.status()).as(done.statusSummary()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(done.artifactRevisions().getFirst().revisionId()).isEqualTo(one);

        String unknown = client().startPipelineExecution(r -> r.name("override-" + databaseKind).sourceRevisions(s -> s.actionName("Source")
                .revisionType(SourceRevisionType.COMMIT_ID).revisionValue("0123456789abcdef0123456789abcdef01234567"))).pipelineExecutionId();
        PipelineExecution failed = awaitSettled(client(), "override-" + databaseKind, unknown);
        assertThat(failed.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(failed.statusSummary()).contains("0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void aSourceOfARepositoryThatDoesNotExistFailsWithTheReason() throws IOException {
        client().createPipeline(r -> r.pipeline(pipeline("missing-" + databaseKind, codeCommit("never-pushed", "main", true, null), null,
                "true")));
        String id = client().startPipelineExecution(r -> r.name("missing-" + databaseKind)).pipelineExecutionId();
        PipelineExecution done = awaitSettled(client(), "missing-" + databaseKind, id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        ActionExecutionDetail source = client().listActionExecutions(r -> r.pipelineName("missing-" + databaseKind))
                .actionExecutionDetails().getFirst();
        assertThat(source.output().executionResult().errorDetails().message()).contains("never-pushed")
                .contains("does not exist on this server");
        assertThat(Files.exists(work)).isTrue();
    }
}
