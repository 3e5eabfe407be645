package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codebuild.model.ArtifactsType;
import software.amazon.awssdk.services.codebuild.model.Build;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariable;
import software.amazon.awssdk.services.codebuild.model.EnvironmentVariableType;
import software.amazon.awssdk.services.codebuild.model.ProjectArtifacts;
import software.amazon.awssdk.services.codebuild.model.ProjectSource;
import software.amazon.awssdk.services.codebuild.model.SourceType;
import software.amazon.awssdk.services.codebuild.model.StatusType;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.InputArtifact;
import software.amazon.awssdk.services.codepipeline.model.OutputArtifact;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;

/**
 * CodeBuild actions in pipelines, run by the embedded agent: a build with the action's variables (one from the
 * secret store), an exported variable, a JUnit report and two output artifacts, then a test action over two inputs
 * reading the build's artifact; a failing build's phase and exit code in the error; a missing project; StopBuild.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
class CodeBuildPipelineTest {
    private static ServerFixture fixture;
    private static CodeBuildClients clients;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind, new ServerConfig.EngineSettings(true, 4, Duration.ofMinutes(5), Duration.ofSeconds(3),
                Duration.ofMillis(200)));
        clients = new CodeBuildClients(fixture.endpoint());
        ExecutionFixtures.putSource(fixture.server().objects(), Map.of("app.txt", "version one\n", "buildspec.yml", """
                version: 0.2
                env:
                  exported-variables: [APP_VERSION]
                phases:
                  build:
                    commands:
                      - test "$GREETING" = hello && test "$API_KEY" = k3y-from-store
                      - echo "key is $API_KEY"
                      - APP_VERSION="1.0.$CODEBUILD_BUILD_NUMBER"
                      - mkdir -p dist reports && echo "$APP_VERSION $(cat app.txt)" > dist/app.txt
                      - printf '<testsuite name="unit"><testcase classname="App" name="works" time="0.01"/></testsuite>' > reports/unit.xml
                artifacts:
                  base-directory: dist
                  files: ['**/*']
                  secondary-artifacts:
                    Reports:
                      base-directory: reports
                      files: ['*.xml']
                reports:
                  unit:
                    files: ['reports/*.xml']
                """));
        clients.ssm.putParameter(r -> r.name("/pipeline/api-key").value("k3y-from-store").type("SecureString"));
        codePipelineProject("pl-build", null);
        codePipelineProject("pl-test", """
                version: 0.2
                phases:
                  build:
                    commands:
                      - test "$(cat app.txt)" = "$EXPECTED version one"
                      - test -f "$CODEBUILD_SRC_DIR_SourceOutput/app.txt"
                      - echo "tested $EXPECTED"
                """);
        codePipelineProject("pl-failing", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo compiling\n      - exit 3\n");
        codePipelineProject("pl-echo", "version: 0.2\nphases:\n  build:\n    commands:\n      - printf '%s' \"$V\" > \"$OUT\"\n");
        codePipelineProject("pl-slow", "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 120\n");
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        clients.close();
        fixture.close();
    }

    /** A project for pipelines; {@code buildspec} null reads buildspec.yml from the source. */
    private static void codePipelineProject(String name, String buildspec) {
        clients.codeBuild.createProject(r -> r.name(name).serviceRole("role")
                .source(ProjectSource.builder().type(SourceType.CODEPIPELINE).buildspec(buildspec).build())
                .artifacts(ProjectArtifacts.builder().type(ArtifactsType.CODEPIPELINE).build())
                .environment(CodeBuildClients.hostEnvironment().toBuilder().environmentVariables(
                        EnvironmentVariable.builder().name("GREETING").value("hello").build(),
                        EnvironmentVariable.builder().name("API_KEY").value("/pipeline/api-key").type(EnvironmentVariableType.PARAMETER_STORE).build())
                        .build()));
    }

    private static CodePipelineClient client() {
        return fixture.client();
    }

    private static ActionDeclaration codeBuild(String name, ActionCategory category, String project, Map<String, String> extra,
                                               List<String> inputs, List<String> outputs) {
        Map<String, String> configuration = new LinkedHashMap<>(extra);
        configuration.put("ProjectName", project);
        return ActionDeclaration.builder().name(name).actionTypeId(SamplePipelines.type(category, "CodeBuild")).configuration(configuration)
                .inputArtifacts(inputs.stream().map(i -> InputArtifact.builder().name(i).build()).toList())
                .outputArtifacts(outputs.stream().map(o -> OutputArtifact.builder().name(o).build()).toList())
                .namespace(name + "Variables").runOrder(1).build();
    }

    private static Map<String, ActionExecutionDetail> actions(String pipeline, String id) {
        return client().listActionExecutions(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(id)))
                .actionExecutionDetails().stream().collect(Collectors.toMap(ActionExecutionDetail::actionName, Function.identity(), (a, b) -> a));
    }

    @Test
    void aBuildExportsVariablesReportsAndArtifactsThatATestActionUses() throws Exception {
        client().createPipeline(r -> r.pipeline(pipeline("cb-flow", "QUEUED",
                stage("Build", codeBuild("Build", ActionCategory.BUILD, "pl-build", Map.of(), List.of("SourceOutput"),
                        List.of("BuildOutput", "Reports"))),
                stage("Test", codeBuild("Test", ActionCategory.TEST, "pl-test", Map.of("PrimarySource", "BuildOutput",
                        "EnvironmentVariables", "[{\"name\":\"EXPECTED\",\"value\":\"#{BuildVariables.APP_VERSION}\",\"type\":\"PLAINTEXT\"}]"),
                        List.of("SourceOutput", "BuildOutput"), List.of())))));
        String id = ExecutionFixtures.createdExecution(client(), "cb-flow"); // creating the pipeline started it
        PipelineExecution done = awaitSettled(client(), "cb-flow", id);
        Map<String, ActionExecutionDetail> actions = actions("cb-flow", id);
        assertThat(done.status()).as(actions.toString()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        ActionExecutionDetail build = actions.get("Build");
        assertThat(build.output().outputVariables()).containsEntry("APP_VERSION", "1.0.1");
        String buildId = build.output().executionResult().externalExecutionId();
        assertThat(buildId).startsWith("pl-build:");
        assertThat(build.output().executionResult().externalExecutionSummary()).contains("succeeded")
                .contains("tests: 1 total, 1 passed, 0 failed");
        assertThat(build.output().outputArtifacts()).extracting(a -> a.name()).containsExactly("BuildOutput", "Reports");
        assertThat(actions.get("Test").status()).isEqualTo(ActionExecutionStatus.SUCCEEDED);

        Build record = clients.build(buildId);
        assertThat(record.buildStatus()).isEqualTo(StatusType.SUCCEEDED);
        assertThat(record.initiator()).isEqualTo("codepipeline/cb-flow");
        assertThat(record.resolvedSourceVersion()).as("the source artifact's revision").isNotBlank();
        assertThat(record.exportedEnvironmentVariables()).singleElement().satisfies(v -> assertThat(v.value()).isEqualTo("1.0.1"));
        assertThat(record.secondaryArtifacts()).singleElement().satisfies(a -> assertThat(a.artifactIdentifier()).isEqualTo("Reports"));
        assertThat(record.reportArns()).singleElement().satisfies(arn -> assertThat(arn).contains(":report/pl-build-unit:"));
        assertThat(build.output().executionResult().externalExecutionUrl())
                .as("a CodeBuild action's run links to its build's log on this server").isEqualTo(record.logs().deepLink())
                .startsWith(fixture.endpoint() + "/conveyor/v1/builds/");
        String log = java.net.http.HttpClient.newHttpClient().send(dev.conveyor.testkit.TestSigner.request("GET",
                java.net.URI.create(record.logs().deepLink()), Map.of(), null, "logs").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(log).contains("key is ***").doesNotContain("k3y-from-store").contains("Entering phase BUILD");
    }

    @Test
    void aVariableInTheActionsEnvironmentVariablesStaysOneValueWhateverItHolds() throws Exception {
        Path work = fixture.jobSharedDirectory("cb-vars"); // the sandboxed build writes only where the server lets jobs write
        Path mark = work.resolve("injected");
        Path out = work.resolve("v.txt");
        // Text substitution would close the JSON string and add a BASH_ENV, which bash expands as the build starts.
        String value = "x\",\"type\":\"PLAINTEXT\"},{\"name\":\"BASH_ENV\",\"value\":\"$(touch " + mark + ")\",\"type\":\"PLAINTEXT\"},"
                + "{\"name\":\"W\",\"value\":\"'; touch " + mark + "; echo ' `touch " + mark + "`";
        String environment = "[{\"name\":\"V\",\"value\":\"#{variables.V}\",\"type\":\"PLAINTEXT\"},"
                + "{\"name\":\"OUT\",\"value\":\"" + out + "\",\"type\":\"PLAINTEXT\"}]";
        client().createPipeline(r -> r.pipeline(pipeline("cb-vars", "QUEUED",
                stage("Build", codeBuild("Build", ActionCategory.BUILD, "pl-echo", Map.of("EnvironmentVariables", environment),
                        List.of("SourceOutput"), List.of()))).toBuilder().variables(v -> v.name("V").defaultValue("plain")).build()));

        String id = client().startPipelineExecution(r -> r.name("cb-vars").variables(v -> v.name("V").value(value))).pipelineExecutionId();

        PipelineExecution done = awaitSettled(client(), "cb-vars", id);
        assertThat(done.status()).as(actions("cb-vars", id).toString()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(Files.readString(out)).isEqualTo(value);
        assertThat(mark).as("nothing in the value ran").doesNotExist();
    }

    @Test
    void aFailingBuildFailsTheExecutionWithItsPhaseAndExitCode() {
        client().createPipeline(r -> r.pipeline(pipeline("cb-failing", "QUEUED",
                stage("Build", codeBuild("Build", ActionCategory.BUILD, "pl-failing", Map.of(), List.of("SourceOutput"), List.of("Out"))))));
        String id = ExecutionFixtures.createdExecution(client(), "cb-failing"); // creating the pipeline started it
        PipelineExecution done = awaitSettled(client(), "cb-failing", id);
        assertThat(done.status()).isEqualTo(PipelineExecutionStatus.FAILED);
        ActionExecutionDetail build = actions("cb-failing", id).get("Build");
        String message = build.output().executionResult().errorDetails().message();
        assertThat(message).contains("phase BUILD").contains("exit 3").contains("exit status 3");
        Build record = clients.build(build.output().executionResult().externalExecutionId());
        assertThat(record.buildStatus()).isEqualTo(StatusType.FAILED);
        assertThat(record.phases()).anySatisfy(p -> {
            assertThat(p.phaseTypeAsString()).isEqualTo("BUILD");
            assertThat(p.phaseStatus()).isEqualTo(StatusType.FAILED);
            assertThat(p.contexts().getFirst().statusCode()).isEqualTo("COMMAND_EXECUTION_ERROR");
        });
    }

    @Test
    void aMissingProjectFailsTheActionNamingIt() {
        client().createPipeline(r -> r.pipeline(pipeline("cb-missing", "QUEUED",
                stage("Build", codeBuild("Build", ActionCategory.BUILD, "no-such-project", Map.of(), List.of("SourceOutput"), List.of())))));
        String id = ExecutionFixtures.createdExecution(client(), "cb-missing"); // creating the pipeline started it
        assertThat(awaitSettled(client(), "cb-missing", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        var error = actions("cb-missing", id).get("Build").output().executionResult().errorDetails();
        assertThat(error.code()).isEqualTo("ConfigurationError");
        assertThat(error.message()).contains("CodeBuild project 'no-such-project' does not exist");
    }

    @Test
    void stopBuildStopsAPipelinesBuildAndFailsItsAction() {
        client().createPipeline(r -> r.pipeline(pipeline("cb-stop", "QUEUED",
                stage("Build", codeBuild("Build", ActionCategory.BUILD, "pl-slow", Map.of(), List.of("SourceOutput"), List.of())))));
        String id = ExecutionFixtures.createdExecution(client(), "cb-stop"); // creating the pipeline started it
        String buildId = Await.await(() -> clients.codeBuild.listBuildsForProject(r -> r.projectName("pl-slow")).ids(),
                ids -> !ids.isEmpty(), Duration.ofSeconds(30), "the build to start").getFirst();
        Await.await(() -> clients.build(buildId).currentPhase(), "BUILD"::equals, Duration.ofSeconds(30), "the BUILD phase");

        assertThat(clients.codeBuild.stopBuild(r -> r.id(buildId)).build().buildStatus()).isEqualTo(StatusType.STOPPED);
        assertThat(awaitSettled(client(), "cb-stop", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(actions("cb-stop", id).get("Build").output().executionResult().errorDetails().message()).contains("was stopped");
        assertThat(clients.build(buildId).buildStatus()).isEqualTo(StatusType.STOPPED);
    }
}
