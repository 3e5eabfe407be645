package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.testkit.Await;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.BuildPhase;
import software.amazon.awssdk.services.codebuild.model.CacheType;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.InvalidInputException;
import software.amazon.awssdk.services.codebuild.model.Project;
import software.amazon.awssdk.services.codebuild.model.ProjectArtifacts;
import software.amazon.awssdk.services.codebuild.model.ProjectSource;
import software.amazon.awssdk.services.codebuild.model.Report;
import software.amazon.awssdk.services.codebuild.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.codebuild.model.ResourceNotFoundException;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StatusType;
import software.amazon.awssdk.services.codebuild.model.TestCase;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The CodeBuild API with the AWS SDK for Java v2: projects and CodeBuild's rules for them, builds started with
 * StartBuild (which run on the server) from inline buildspecs and S3 sources with their artifacts, reports and
 * test cases, stopping, logs, and variables from the secret store set through the SSM and Secrets Manager APIs.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class CodeBuildApiTest {
    private static ServerFixture fixture;
    private static CodeBuildClients clients;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind);
        clients = new CodeBuildClients(fixture.endpoint());
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        clients.close();
        fixture.close();
    }

    private static Project inline(String name, String buildspec) {
        return clients.codeBuild.createProject(r -> r.name(name).serviceRole("arn:aws:iam::000000000000:role/cb")
                .source(ProjectSource.builder().type(SourceType.NO_SOURCE).buildspec(buildspec).build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment())).project();
    }

    private static String log(Build build) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(dev.conveyor.testkit.TestSigner.request("GET", URI.create(build.logs().deepLink()), java.util.Map.of(), null, "logs")
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void projectsAreCreatedWithDefaultsReadUpdatedListedAndDeleted() {
        Project created = inline("api-project", "version: 0.2\nphases:\n  build:\n    commands: [echo hi]\n");
        assertThat(created.arn()).isEqualTo("arn:aws:codebuild:us-east-1:000000000000:project/api-project");
        assertThat(created.timeoutInMinutes()).isEqualTo(60);
        assertThat(created.queuedTimeoutInMinutes()).isEqualTo(480);
        assertThat(created.cache().type()).isEqualTo(CacheType.NO_CACHE);
        assertThat(created.created()).isNotNull();
        assertThatThrownBy(() -> inline("api-project", "version: 0.2")).isInstanceOf(ResourceAlreadyExistsException.class)
                .hasMessageContaining("Project already exists: arn:aws:codebuild:us-east-1:000000000000:project/api-project");

        Project updated = clients.codeBuild.updateProject(r -> r.name("api-project").description("now described").timeoutInMinutes(15)).project();
        assertThat(updated.description()).isEqualTo("now described");
        assertThat(updated.timeoutInMinutes()).isEqualTo(15);
        assertThat(updated.source().buildspec()).contains("echo hi");

        var got = clients.codeBuild.batchGetProjects(r -> r.names("api-project", "arn:aws:codebuild:us-east-1:000000000000:project/api-project", "nope"));
        assertThat(got.projects()).hasSize(2);
        assertThat(got.projectsNotFound()).containsExactly("nope");
        assertThat(clients.codeBuild.listProjects(r -> r.sortBy("NAME")).projects()).contains("api-project");

        clients.codeBuild.deleteProject(r -> r.name("api-project"));
        assertThat(clients.codeBuild.batchGetProjects(r -> r.names("api-project")).projectsNotFound()).containsExactly("api-project");
        assertThatThrownBy(() -> clients.codeBuild.startBuild(r -> r.projectName("api-project"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void projectsBreakingCodeBuildsRulesAreRefused() {
        assertThatThrownBy(() -> clients.codeBuild.createProject(r -> r.name("bad-mix").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.CODEPIPELINE).build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CODEPIPELINE");
        assertThatThrownBy(() -> clients.codeBuild.createProject(r -> r.name("bad-nosource").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.NO_SOURCE).build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("buildspec");
        assertThatThrownBy(() -> clients.codeBuild.createProject(r -> r.name("bad-variable").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.NO_SOURCE).buildspec("version: 0.2").build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment().toBuilder()
                        .environmentVariables(EnvironmentVariable.builder().name("CODEBUILD_X").value("1").build()).build())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("CODEBUILD_X");
    }

    @Test
    void startBuildRunsAnInlineBuildspecWithPhasesExportedVariablesReportsAndALog() throws Exception {
        inline("api-inline", """
                version: 0.2
                env:
                  exported-variables: [RESULT]
                phases:
                  install:
                    commands:
                      - echo "installing for build $CODEBUILD_BUILD_NUMBER"
                  build:
                    commands:
                      - RESULT="built-by-$CODEBUILD_INITIATOR"
                      - mkdir -p reports
                      - printf '<testsuite name="s"><testcase classname="A" name="ok" time="0.1"/><testcase classname="A" name="bad"><failure message="boom">stack</failure></testcase></testsuite>' > reports/r.xml
                reports:
                  unit:
                    files: ['reports/*.xml']
                """);
        Build started = clients.codeBuild.startBuild(r -> r.projectName("api-inline")).build();
        assertThat(started.id()).startsWith("api-inline:");
        assertThat(started.buildNumber()).isEqualTo(1L);
        assertThat(started.buildStatus()).isEqualTo(StatusType.IN_PROGRESS);

        Build done = clients.awaitComplete(started.id());
        assertThat(done.buildStatus()).as(log(done)).isEqualTo(StatusType.SUCCEEDED);
        assertThat(done.phases()).extracting(BuildPhase::phaseTypeAsString).containsExactly("SUBMITTED", "QUEUED", "PROVISIONING",
                "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED");
        assertThat(done.phases().stream().filter(p -> p.phaseStatus() != null)).allMatch(p -> p.phaseStatus() == StatusType.SUCCEEDED);
        assertThat(done.exportedEnvironmentVariables()).singleElement()
                .satisfies(v -> assertThat(v.value()).isEqualTo("built-by-admin"));
        assertThat(done.endTime()).isAfterOrEqualTo(done.startTime());
        assertThat(log(done)).contains("installing for build 1").contains("Entering phase BUILD");
        assertThat(clients.codeBuild.listBuildsForProject(r -> r.projectName("api-inline")).ids()).containsExactly(started.id());
        assertThat(clients.codeBuild.listBuilds(r -> { }).ids()).contains(started.id());

        String reportArn = done.reportArns().getFirst();
        assertThat(reportArn).startsWith("arn:aws:codebuild:us-east-1:000000000000:report/api-inline-unit:");
        assertThat(clients.codeBuild.listReports(r -> { }).reports()).contains(reportArn);
        String groupArn = "arn:aws:codebuild:us-east-1:000000000000:report-group/api-inline-unit";
        assertThat(clients.codeBuild.listReportGroups(r -> { }).reportGroups()).contains(groupArn);
        assertThat(clients.codeBuild.listReportsForReportGroup(r -> r.reportGroupArn(groupArn)).reports()).containsExactly(reportArn);
        Report report = clients.codeBuild.batchGetReports(r -> r.reportArns(reportArn)).reports().getFirst();
        assertThat(report.statusAsString()).isEqualTo("FAILED");
        assertThat(report.executionId()).isEqualTo(done.arn());
        assertThat(report.testSummary().total()).isEqualTo(2);
        assertThat(report.testSummary().statusCounts()).containsEntry("SUCCEEDED", 1).containsEntry("FAILED", 1);
        List<TestCase> failed = clients.codeBuild.describeTestCases(r -> r.reportArn(reportArn).filter(f -> f.status("FAILED"))).testCases();
        assertThat(failed).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("bad");
            assertThat(c.prefix()).isEqualTo("A");
            assertThat(c.message()).contains("boom");
            assertThat(c.testRawDataPath()).isEqualTo("reports/r.xml");
        });
        assertThat(clients.codeBuild.describeTestCases(r -> r.reportArn(reportArn)).testCases()).hasSize(2);
    }

    @Test
    void aBuildFromAnS3SourceUploadsItsArtifactToS3() throws Exception {
        ObjectStore objects = fixture.server().objects();
        objects.createBucket("cb-sources");
        objects.createBucket("cb-artifacts");
        Path dir = Files.createTempDirectory("cb-src");
        Files.writeString(dir.resolve("buildspec.yml"), """
                version: 0.2
                phases:
                  build:
                    commands:
                      - mkdir -p out && cp app.txt out/ && echo "$CODEBUILD_SOURCE_VERSION" > out/from.txt
                artifacts:
                  base-directory: out
                  files: ['**/*']
                """);
        Files.writeString(dir.resolve("app.txt"), "application");
        Path zip = Files.createTempFile("cb-src", ".zip");
        Files.delete(zip);
        ZipArchives.zip(dir, zip);
        try (InputStream in = Files.newInputStream(zip)) {
            objects.putObject("cb-sources", "app.zip", ObjectWrite.plain().withLength(Files.size(zip)), in);
        }
        clients.codeBuild.createProject(r -> r.name("api-s3").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.S3).location("cb-sources/app.zip").build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.S3).location("cb-artifacts").path("builds").name("app.zip")
                        .namespaceType("BUILD_ID").packaging("ZIP").build())
                .environment(CodeBuildClients.hostEnvironment()));

        Build done = clients.awaitComplete(clients.codeBuild.startBuild(r -> r.projectName("api-s3")).build().id());
        assertThat(done.buildStatus()).as(log(done)).isEqualTo(StatusType.SUCCEEDED);
        String key = "builds/" + done.id().substring("api-s3:".length()) + "/app.zip";
        assertThat(done.artifacts().location()).isEqualTo("arn:aws:s3:::cb-artifacts/" + key);
        Path artifact = Files.createTempFile("artifact", ".zip");
        try (ObjectContent content = objects.getObject("cb-artifacts", key, null, null)) {
            Files.copy(content.stream(), artifact, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path unpacked = Files.createTempDirectory("artifact");
        ZipArchives.unzip(artifact, unpacked);
        assertThat(unpacked.resolve("app.txt")).hasContent("application");
        assertThat(unpacked.resolve("from.txt")).hasContent("arn:aws:s3:::cb-sources/app.zip\n");
    }

    @Test
    void stopBuildKillsARunningBuildAndRecordsItStopped() throws Exception {
        // The build runs sandboxed, in its own process namespace: its $! is not a host pid. Its sleep is found on the host
        // by its unique argument instead.
        String sleep = "119.4" + (System.nanoTime() % 1000);
        inline("api-stop", "version: 0.2\nphases:\n  build:\n    commands:\n      - 'sleep " + sleep + " & wait'\n");
        String id = clients.codeBuild.startBuild(r -> r.projectName("api-stop")).build().id();
        long pid = Await.await(() -> ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").endsWith("sleep " + sleep))
                .map(ProcessHandle::pid).findFirst().orElse(-1L), p -> p > 0, Duration.ofSeconds(30), "the build's sleep to start");

        Build stopped = clients.codeBuild.stopBuild(r -> r.id(id)).build();
        assertThat(stopped.buildStatus()).isEqualTo(StatusType.STOPPED);
        assertThat(stopped.buildComplete()).isTrue();
        Await.await(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive,
                Duration.ofSeconds(10), "the build's processes to be killed");
        assertThat(clients.build(id).buildStatus()).as("a stopped build stays stopped").isEqualTo(StatusType.STOPPED);
        assertThat(clients.build(id).phases()).anyMatch(p -> p.phaseStatus() == StatusType.STOPPED);
    }

    @Test
    void variablesComeFromTheSecretStoreAndAreMaskedInTheLog() throws Exception {
        clients.ssm.putParameter(r -> r.name("/api/db-password").value("p4ssw0rd-value").type(ParameterType.SECURE_STRING));
        assertThatThrownBy(() -> clients.ssm.putParameter(r -> r.name("/api/db-password").value("x").type(ParameterType.SECURE_STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThat(clients.ssm.getParameter(r -> r.name("/api/db-password").withDecryption(true)).parameter().value()).isEqualTo("p4ssw0rd-value");
        assertThat(clients.ssm.getParameter(r -> r.name("/api/db-password")).parameter().value()).isEqualTo("****");
        clients.secrets.createSecret(r -> r.name("api/token").secretString("{\"token\": \"t0ken-value-123\"}"));
        assertThat(clients.secrets.getSecretValue(r -> r.secretId("api/token")).secretString()).contains("t0ken-value-123");

        clients.codeBuild.createProject(r -> r.name("api-secrets").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.NO_SOURCE).buildspec("""
                        version: 0.2
                        env:
                          secrets-manager:
                            TOKEN: api/token:token
                        phases:
                          build:
                            commands:
                              - echo "password $DB_PASSWORD token $TOKEN plain $PLAIN"
                              - test "$DB_PASSWORD" = p4ssw0rd-value && test "$TOKEN" = t0ken-value-123
                        """).build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment().toBuilder().environmentVariables(
                        EnvironmentVariable.builder().name("DB_PASSWORD").value("/api/db-password").type(EnvironmentVariableType.PARAMETER_STORE).build(),
                        EnvironmentVariable.builder().name("PLAIN").value("visible").build()).build()));
        Build done = clients.awaitComplete(clients.codeBuild.startBuild(r -> r.projectName("api-secrets")).build().id());
        String log = log(done);
        assertThat(done.buildStatus()).as(log).isEqualTo(StatusType.SUCCEEDED);
        assertThat(log).contains("password *** token *** plain visible").doesNotContain("p4ssw0rd-value").doesNotContain("t0ken-value-123");

        // A missing parameter is refused when the build is started, naming it.
        assertThatThrownBy(() -> clients.codeBuild.startBuild(r -> r.projectName("api-secrets").environmentVariablesOverride(
                EnvironmentVariable.builder().name("X").value("/missing").type(EnvironmentVariableType.PARAMETER_STORE).build())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/missing");
    }

    @Test
    void listingsAreNewestFirstByDefault() {
        inline("api-order", "version: 0.2\nphases:\n  build:\n    commands: [echo hi]\n");
        String first = clients.codeBuild.startBuild(r -> r.projectName("api-order")).build().id();
        String second = clients.codeBuild.startBuild(r -> r.projectName("api-order")).build().id();
        clients.awaitComplete(first);
        clients.awaitComplete(second);
        assertThat(clients.codeBuild.listBuildsForProject(r -> r.projectName("api-order")).ids()).containsExactly(second, first);
        assertThat(clients.codeBuild.listBuildsForProject(r -> r.projectName("api-order").sortOrder("ASCENDING")).ids())
                .containsExactly(first, second);
        assertThat(clients.build(second).buildNumber()).isEqualTo(2L);
    }

    @Test
    void aBuildFromACodeCommitRepositoryHostedHereChecksOutTheVersionAsked() throws Exception {
        GitWorkTree tree = GitWorkTree.init(Files.createTempDirectory("cb-git"), "main");
        tree.write("buildspec.yml", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo \"at $(cat version.txt) $CODEBUILD_RESOLVED_SOURCE_VERSION\"\n");
        String first = tree.write("version.txt", "one").commit("one");
        tree.write("version.txt", "two").commit("two");
        tree.push(fixture.gitUrl("cb-git-app"), "main");
        clients.codeBuild.createProject(r -> r.name("api-git").serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.CODECOMMIT)
                        .location("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/cb-git-app").build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.NO_ARTIFACTS).build())
                .environment(CodeBuildClients.hostEnvironment()));

        Build latest = clients.awaitComplete(clients.codeBuild.startBuild(r -> r.projectName("api-git")).build().id());
        assertThat(log(latest)).as(log(latest)).contains("at two " + tree.head());
        Build older = clients.awaitComplete(clients.codeBuild.startBuild(r -> r.projectName("api-git").sourceVersion(first)).build().id());
        assertThat(older.resolvedSourceVersion()).isEqualTo(first);
        assertThat(log(older)).contains("at one " + first);
    }
}
