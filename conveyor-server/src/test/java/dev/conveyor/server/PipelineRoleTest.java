package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.createdExecution;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.testkit.TestCredentials;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Pipeline and action {@code roleArn} honoured: what Conveyor does on a pipeline's behalf (the S3 source reading its
 * object, every action reading and writing its artifacts) is checked against the role the action names, else the
 * pipeline's, and a role whose policies do not allow it fails the action with AWS's message naming the role, the
 * action and the resource. With {@code requireKnownRoles}, a role Conveyor's IAM does not hold is refused, except
 * the demo's built-in service role name.
 */
class PipelineRoleTest {
    private static final String ACCOUNT = "000000000000";
    private static final String TRUST = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
              "Action": "sts:AssumeRole"}]}""";
    private static final String ARTIFACTS_ONLY = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
              "Resource": "arn:aws:s3:::conveyor-test-artifacts/*"}]}""";
    private static ConveyorServer server;
    private static IamClient iam;
    private static CodePipelineClient pipelines;

    @BeforeAll
    static void start() throws Exception {
        server = new ConveyorServer(ServerConfig.embedded(Files.createTempDirectory("conveyor-roles-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)
                        .withRequireKnownRoles(true))).start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID,
                TestCredentials.SECRET_ACCESS_KEY));
        iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        pipelines = CodePipelineClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "v1"));
    }

    @AfterAll
    static void stop() {
        iam.close();
        pipelines.close();
        server.close();
    }

    @Test
    void aPipelineRoleThatMayNotReadTheSourceFailsTheSourceActionUntilAPolicyAllowsIt() {
        String role = role("source-limited", ARTIFACTS_ONLY);
        pipelines.createPipeline(r -> r.pipeline(withRole(pipeline("role-limited", "QUEUED",
                stage("Build", commands("Build", 1, "cat app.txt"))), role)));
        String first = createdExecution(pipelines, "role-limited");
        assertThat(awaitSettled(pipelines, "role-limited", first).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        ActionExecutionDetail source = action("role-limited", first, "Source");
        assertThat(source.output().executionResult().errorDetails().message()).matches(
                "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/source-limited/conveyor-job-\\S+ is not authorized to perform: "
                        + "s3:GetObject on resource: arn:aws:s3:::conveyor-test-sources/app.zip because no identity-based policy "
                        + "allows the s3:GetObject action");

        attach("source-limited", "read-sources", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                  "Resource": "arn:aws:s3:::conveyor-test-sources/*"}]}""");
        String second = pipelines.startPipelineExecution(r -> r.name("role-limited")).pipelineExecutionId();
        assertThat(awaitSettled(pipelines, "role-limited", second).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    @Test
    void anActionsOwnRoleIsWhatItsArtifactsAreCheckedAgainst() {
        String pipelineRole = role("pipeline-wide", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}""");
        String bare = role("no-permissions", null);
        PipelineDeclaration declared = withRole(pipeline("action-role", "QUEUED", stage("Build", commands("Build", 1, "true"))), pipelineRole);
        StageDeclaration build = declared.stages().get(1);
        PipelineDeclaration withActionRole = declared.toBuilder().stages(declared.stages().get(0), build.toBuilder()
                .actions(build.actions().get(0).toBuilder().roleArn(bare).build()).build()).build();
        pipelines.createPipeline(r -> r.pipeline(withActionRole));
        String id = createdExecution(pipelines, "action-role");
        assertThat(awaitSettled(pipelines, "action-role", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action("action-role", id, "Source").statusAsString()).as("the source ran as the pipeline's role").isEqualTo("Succeeded");
        assertThat(action("action-role", id, "Build").output().executionResult().errorDetails().message())
                .contains("assumed-role/no-permissions/").contains("s3:GetObject on resource: arn:aws:s3:::conveyor-test-artifacts/");
    }

    @Test
    void withKnownRolesRequiredOnlyTheBuiltInServiceRoleMayBeMissingFromIam() {
        pipelines.createPipeline(r -> r.pipeline(withRole(pipeline("ghost-role", "QUEUED", stage("Build", commands("Build", 1, "true"))),
                "arn:aws:iam::" + ACCOUNT + ":role/ghost")));
        String ghost = createdExecution(pipelines, "ghost-role");
        assertThat(awaitSettled(pipelines, "ghost-role", ghost).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action("ghost-role", ghost, "Source").output().executionResult().errorDetails().message())
                .contains("arn:aws:iam::" + ACCOUNT + ":role/ghost is not a role of Conveyor's IAM");

        pipelines.createPipeline(r -> r.pipeline(withRole(pipeline("demo-role", "QUEUED", stage("Build", commands("Build", 1, "true"))),
                "arn:aws:iam::" + ACCOUNT + ":role/conveyor-demo")));
        String demo = createdExecution(pipelines, "demo-role");
        assertThat(awaitSettled(pipelines, "demo-role", demo).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    @Test
    void aDeployToS3ActionNeedsItsRoleToAllowPuttingIntoItsBucket() {
        server.objects().createBucket("role-site");
        String role = role("site-publisher", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                  "Resource": ["arn:aws:s3:::conveyor-test-artifacts/*", "arn:aws:s3:::conveyor-test-sources/*"]}]}""");
        var publish = software.amazon.awssdk.services.codepipeline.model.ActionDeclaration.builder().name("Publish")
                .actionTypeId(SamplePipelines.type(software.amazon.awssdk.services.codepipeline.model.ActionCategory.DEPLOY, "S3"))
                .configuration(Map.of("BucketName", "role-site", "Extract", "true", "ObjectKey", "www"))
                .inputArtifacts(software.amazon.awssdk.services.codepipeline.model.InputArtifact.builder().name("SourceOutput").build())
                .runOrder(1).build();
        pipelines.createPipeline(r -> r.pipeline(withRole(pipeline("role-publish", "QUEUED", stage("Deploy", publish)), role)));
        String first = createdExecution(pipelines, "role-publish");
        assertThat(awaitSettled(pipelines, "role-publish", first).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action("role-publish", first, "Publish").output().executionResult().errorDetails().message())
                .contains("assumed-role/site-publisher/").contains("s3:PutObject on resource: arn:aws:s3:::role-site/www/*");
        assertThat(server.objects().listObjects("role-site", null, null, null, null, 10).objects()).as("nothing written").isEmpty();

        attach("site-publisher", "publish-site", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::role-site/www/*"}]}""");
        String second = pipelines.startPipelineExecution(r -> r.name("role-publish")).pipelineExecutionId();
        assertThat(awaitSettled(pipelines, "role-publish", second).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertThat(server.objects().listObjects("role-site", null, null, null, null, 10).objects()).extracting(o -> o.key())
                .containsExactly("www/app.txt");
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static PipelineDeclaration withRole(software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration pipeline, String role) {
        return pipeline.toBuilder().roleArn(role).build();
    }

    /** A role pipelines may use, with one managed policy attached unless {@code policy} is null; its ARN. */
    private static String role(String name, String policy) {
        String arn = iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(TRUST)).role().arn();
        if (policy != null) {
            attach(name, name + "-policy", policy);
        }
        return arn;
    }

    private static void attach(String role, String policyName, String document) {
        String policyArn = iam.createPolicy(r -> r.policyName(policyName).policyDocument(document)).policy().arn();
        iam.attachRolePolicy(r -> r.roleName(role).policyArn(policyArn));
    }

    private static ActionExecutionDetail action(String pipeline, String executionId, String name) {
        List<ActionExecutionDetail> details = pipelines.listActionExecutions(r -> r.pipelineName(pipeline)
                .filter(f -> f.pipelineExecutionId(executionId))).actionExecutionDetails();
        return details.stream().filter(d -> d.actionName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no execution of action " + name + " in " + details));
    }
}
