package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageState;

/**
 * Zero-downtime upgrades (issue 19, docs/operations.md): a replica of version N runs beside N+1 on the database N+1
 * migrated. N+1's migration is rehearsed here the way the expand-only rule allows it to look at its widest
 * (MigrationsExpandOnlyTest checks the real ones): every table of every module gains a nullable column and a NOT NULL
 * column with a default, and a new table appears, recorded as the store's next migration. This version then plays N:
 * a replica that was running goes on (its prepared statements meet the new columns), and one started on the expanded
 * database (as a replica of N restarting mid-upgrade does) comes up, and both run pipelines, git, IAM and CodeDeploy
 * beside each other. What fails here (a start refusing a newer schema, code
 * breaking on columns it does not know, a running replica's prepared reads failing on them) fails a rolling upgrade.
 */
class NextReleaseBesideTest {
    @TempDir
    Path dir;

    private static ConveyorServer replica(Path data, String databaseUrl) {
        return new ConveyorServer(ServerConfig.embedded(data, 0).withAuth(ServerConfig.AuthSettings.administrator(
                dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY))
                .withDatabaseUrl(databaseUrl)).start();
    }

    @Test
    void aReplicaOfThisVersionRunsAndStartsOnTheDatabaseTheNextReleaseExpanded() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (ConveyorServer running = replica(dir.resolve("a"), url);
             CodePipelineClient onRunning = ServerFixture.sdkClient(CodePipelineClient.builder(), running.endpoint())) {
            // Pipelines whose source is hosted git (in the database, so either replica's agent can run it), then an approval
            // (replicas without a shared artifact store, as here, must not hand artifacts to each other).
            GitWorkTree work = GitWorkTree.init(dir.resolve("work"), "main").write("app.txt", "one\n");
            work.commit("one");
            work.push(AdministratorKey.of(dir.resolve("a")).inUrl(running.endpoint() + "/v1/repos/app"), "main");
            onRunning.createPipeline(r -> r.pipeline(approvedSource("before")));
            approveAndAwaitSucceeded(onRunning, onRunning, "before", ExecutionFixtures.createdExecution(onRunning, "before"));
            // CodeDeploy's reads, repeated until the driver prepares them on the server (pgjdbc: from the fifth use).
            assertThat(deploy(running, "CreateApplication", "{\"applicationName\": \"web\", \"computePlatform\": \"Server\"}").statusCode())
                    .isEqualTo(200);
            for (int i = 0; i < 8; i++) {
                assertThat(deploy(running, "GetApplication", "{\"applicationName\": \"web\"}").statusCode()).isEqualTo(200);
            }

            int next = expandAsTheNextReleaseMay(url);

            // The running replica's prepared reads meet the new columns: every one still answers.
            for (int i = 0; i < 8; i++) {
                var got = deploy(running, "GetApplication", "{\"applicationName\": \"web\"}");
                assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
            }
            try (ConveyorServer restarted = replica(dir.resolve("b"), url);
                 CodePipelineClient onRestarted = ServerFixture.sdkClient(CodePipelineClient.builder(), restarted.endpoint());
                 software.amazon.awssdk.services.iam.IamClient iam = ServerFixture.sdkClient(
                         software.amazon.awssdk.services.iam.IamClient.builder(), restarted.endpoint())) {
                // Started through one replica, approved through the other, read through the first.
                String again = onRestarted.startPipelineExecution(r -> r.name("before")).pipelineExecutionId();
                approveAndAwaitSucceeded(onRunning, onRestarted, "before", again);

                // Hosted git pushed through the restarted replica; a pipeline made there, approved through the running one.
                String two = work.write("app.txt", "two\n").commit("two");
                work.push(AdministratorKey.of(dir.resolve("b")).inUrl(restarted.endpoint() + "/v1/repos/app"), "main");
                onRestarted.createPipeline(r -> r.pipeline(approvedSource("after")));
                String after = ExecutionFixtures.createdExecution(onRunning, "after");
                approveAndAwaitSucceeded(onRunning, onRestarted, "after", after);
                assertThat(ExecutionFixtures.execution(onRunning, "after", after).artifactRevisions().getFirst().revisionId()).isEqualTo(two);

                // IAM: a user and key made through the restarted replica, listed through it.
                iam.createUser(r -> r.userName("beside"));
                assertThat(iam.createAccessKey(r -> r.userName("beside")).accessKey().accessKeyId()).isNotBlank();
                assertThat(iam.listUsers().users()).anyMatch(u -> u.userName().equals("beside"));
                assertThat(deploy(restarted, "GetApplication", "{\"applicationName\": \"web\"}").statusCode()).isEqualTo(200);
            }
            assertThat(newestStoreMigration(url)).as("the next release's migration stays applied").isEqualTo(next);
        }
    }

    /** A CodeCommit source of repository {@code app}, branch main, then a manual approval. */
    private static PipelineDeclaration approvedSource(String name) {
        PipelineDeclaration git = GitPipelines.pipeline(name, GitPipelines.codeCommit("app", "main", false, null), null, "true");
        return git.toBuilder().stages(git.stages().getFirst(), ExecutionFixtures.stage("Approve", ExecutionFixtures.approval("Approve"))).build();
    }

    /** Approves execution {@code id}'s Approve action through {@code approver} once it waits, then awaits Succeeded through {@code reader}. */
    private static void approveAndAwaitSucceeded(CodePipelineClient approver, CodePipelineClient reader, String pipeline, String id) {
        String token = Await.await(() -> {
            PipelineExecution execution = ExecutionFixtures.execution(reader, pipeline, id);
            if (execution.status() != PipelineExecutionStatus.IN_PROGRESS) {
                throw new AssertionError("execution " + id + " of " + pipeline + " ended " + execution.status() + ": " + execution.statusSummary());
            }
            StageState stage = reader.getPipelineState(r -> r.name(pipeline)).stageStates().stream()
                    .filter(s -> s.stageName().equals("Approve")).findFirst().orElseThrow();
            ActionExecution approval = stage.actionStates().getFirst().latestExecution();
            boolean thisExecution = stage.latestExecution() != null && id.equals(stage.latestExecution().pipelineExecutionId());
            return thisExecution && approval != null && approval.token() != null ? approval.token() : null;
        }, t -> t != null, Duration.ofSeconds(60), "execution " + id + " of " + pipeline + " to wait for its approval");
        approver.putApprovalResult(r -> r.pipelineName(pipeline).stageName("Approve").actionName("Approve").token(token)
                .result(a -> a.status("Approved").summary("fine")));
        PipelineExecution settled = ExecutionFixtures.awaitSettled(reader, pipeline, id);
        assertThat(settled.status()).as(settled.toString()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    private static java.net.http.HttpResponse<String> deploy(ConveyorServer server, String operation, String body) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(dev.conveyor.testkit.TestSigner.request("POST", java.net.URI.create(server.endpoint() + "/"),
                    Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "CodeDeploy_20141006." + operation),
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8), "codedeploy").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    /**
     * N+1's expand step, applied as its first replica would apply it (Flyway, the store's next version): a nullable and
     * a defaulted NOT NULL column on every table, and a table of its own. Returns the version it was recorded as.
     */
    private int expandAsTheNextReleaseMay(String url) throws Exception {
        List<String> tables = new ArrayList<>();
        int next;
        try (Connection c = DriverManager.getConnection(url)) {
            try (ResultSet r = c.createStatement().executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    + "current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '%schema_history' ORDER BY table_name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            next = newestStoreMigration(c) + 1;
        }
        assertThat(tables).as("tables of the store and the service modules").contains("pipeline", "job", "iam_user", "cluster_git_ref");
        StringBuilder sql = new StringBuilder("CREATE TABLE next_release_widget (id VARCHAR(64) PRIMARY KEY, created_at BIGINT NOT NULL);\n");
        for (String table : tables) {
            sql.append("ALTER TABLE ").append(table).append(" ADD COLUMN next_release_note VARCHAR(200);\n");
            sql.append("ALTER TABLE ").append(table).append(" ADD COLUMN next_release_weight INTEGER DEFAULT 0 NOT NULL;\n");
        }
        Path migrations = Files.createDirectories(dir.resolve("next-release-migrations"));
        Files.writeString(migrations.resolve("V" + next + "__next_release_expands.sql"), sql);
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration", "filesystem:" + migrations).load().migrate();
        return next;
    }

    private static int newestStoreMigration(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            return newestStoreMigration(c);
        }
    }

    private static int newestStoreMigration(Connection c) throws Exception {
        try (ResultSet r = c.createStatement().executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history")) {
            r.next();
            return r.getInt(1);
        }
    }
}
