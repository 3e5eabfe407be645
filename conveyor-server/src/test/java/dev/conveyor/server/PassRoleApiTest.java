package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.TestCredentials;
import dev.conveyor.testkit.TestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * {@code iam:PassRole}, as AWS checks it: whoever creates or updates a pipeline must be allowed to pass every role it
 * names (the pipeline's, each action's and each stage condition rule's), and whoever creates a deployment group its service role; refused with
 * AWS's AccessDeniedException naming the role, and nothing is stored. The administrator passes any role.
 */
class PassRoleApiTest {
    private static final String ACCOUNT = "000000000000";
    private static final String PIPELINE_ROLE = "arn:aws:iam::111111111111:role/conveyor"; // what ExecutionFixtures.pipeline names
    private static final String DEPLOY_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/deployer";
    private static ConveyorServer server;
    private static IamClient iam;
    private static CodePipelineClient adminPipelines;

    @BeforeAll
    static void start() throws Exception {
        server = new ConveyorServer(ServerConfig.embedded(Files.createTempDirectory("conveyor-passrole-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY))).start();
        AwsCredentials admin = AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY);
        iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(admin)).httpClient(UrlConnectionHttpClient.create()).build();
        adminPipelines = pipelines(admin);
    }

    @AfterAll
    static void stop() {
        iam.close();
        adminPipelines.close();
        server.close();
    }

    @Test
    void creatingAPipelineNeedsPassRoleOnItsRoleAndOnEveryActionsRole() {
        AwsCredentials builder = user("builder", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codepipeline:*", "Resource": "*"}]}""");
        try (CodePipelineClient asBuilder = pipelines(builder)) {
            assertThatThrownBy(() -> asBuilder.createPipeline(r -> r.pipeline(pipeline("no-pass", "QUEUED",
                    stage("Build", commands("Build", 1, "true"))))))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:iam::" + ACCOUNT + ":user/builder is not "
                                + "authorized to perform: iam:PassRole on resource: " + PIPELINE_ROLE
                                + " because no identity-based policy allows the iam:PassRole action");
                    });
            assertThat(adminPipelines.listPipelines().pipelines()).as("nothing was created").extracting(p -> p.name()).doesNotContain("no-pass");
        }

        iam.putUserPolicy(r -> r.userName("builder").policyName("pass-pipeline-role").policyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "%s",
                  "Condition": {"StringEquals": {"iam:PassedToService": "codepipeline.amazonaws.com"}}}]}""".formatted(PIPELINE_ROLE)));
        try (CodePipelineClient asBuilder = pipelines(builder)) {
            asBuilder.createPipeline(r -> r.pipeline(pipeline("passes", "QUEUED", stage("Build", commands("Build", 1, "true")))));
            assertThat(asBuilder.getPipeline(r -> r.name("passes")).pipeline().roleArn()).isEqualTo(PIPELINE_ROLE);

            // An action naming another role needs PassRole on that role too, on UpdatePipeline as on CreatePipeline.
            String actionRole = "arn:aws:iam::" + ACCOUNT + ":role/build-actions";
            PipelineDeclaration current = asBuilder.getPipeline(r -> r.name("passes")).pipeline();
            ActionDeclaration build = current.stages().get(1).actions().get(0).toBuilder().roleArn(actionRole).build();
            PipelineDeclaration changed = current.toBuilder().stages(current.stages().get(0),
                    current.stages().get(1).toBuilder().actions(build).build()).build();
            assertThatThrownBy(() -> asBuilder.updatePipeline(r -> r.pipeline(changed)))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("iam:PassRole on resource: " + actionRole);
                    });
            assertThat(asBuilder.getPipeline(r -> r.name("passes")).pipeline().stages().get(1).actions().get(0).roleArn())
                    .as("the update was refused whole").isNull();

            // So does a stage condition's rule naming one.
            String ruleRole = "arn:aws:iam::" + ACCOUNT + ":role/rule-checker";
            PipelineDeclaration withRule = current.toBuilder().stages(current.stages().get(0), current.stages().get(1).toBuilder()
                    .beforeEntry(b -> b.conditions(c -> c.result("FAIL").rules(rule -> rule.name("Check")
                            .ruleTypeId(t -> t.category("Rule").owner("AWS").provider("Commands").version("1"))
                            .commands("true").roleArn(ruleRole)))).build()).build();
            assertThatThrownBy(() -> asBuilder.updatePipeline(r -> r.pipeline(withRule)))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("iam:PassRole on resource: " + ruleRole);
                    });
        }
    }

    @Test
    void theAdministratorPassesAnyRole() {
        adminPipelines.createPipeline(r -> r.pipeline(pipeline("admin-made", "QUEUED", stage("Build", commands("Build", 1, "true")))));
        assertThat(adminPipelines.getPipeline(r -> r.name("admin-made")).pipeline().roleArn()).isEqualTo(PIPELINE_ROLE);
    }

    @Test
    void creatingADeploymentGroupNeedsPassRoleOnItsServiceRole() throws Exception {
        HttpResponse<String> app = codeDeploy(TestSigner.admin(), "CreateApplication", "{\"applicationName\": \"web\"}");
        assertThat(app.statusCode()).as(app.body()).isEqualTo(200);
        String group = """
                {"applicationName": "web", "deploymentGroupName": "%s", "serviceRoleArn": "%s"}""";
        AwsCredentials deployer = user("deployer", """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codedeploy:*", "Resource": "*"}]}""");
        TestSigner asDeployer = new TestSigner(deployer.accessKeyId(), deployer.secretAccessKey(), "us-east-1");
        HttpResponse<String> refused = codeDeploy(asDeployer, "CreateDeploymentGroup", group.formatted("blue", DEPLOY_ROLE));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("AccessDeniedException").contains("User: arn:aws:iam::" + ACCOUNT + ":user/deployer is not "
                + "authorized to perform: iam:PassRole on resource: " + DEPLOY_ROLE);
        assertThat(codeDeploy(TestSigner.admin(), "GetDeploymentGroup", "{\"applicationName\": \"web\", \"deploymentGroupName\": \"blue\"}")
                .body()).as("nothing was created").contains("DeploymentGroupDoesNotExistException");

        iam.putUserPolicy(r -> r.userName("deployer").policyName("pass").policyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "%s"}]}""".formatted(DEPLOY_ROLE)));
        HttpResponse<String> created = codeDeploy(asDeployer, "CreateDeploymentGroup", group.formatted("blue", DEPLOY_ROLE));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    private static HttpResponse<String> codeDeploy(TestSigner signer, String operation, String body) throws Exception {
        URI uri = URI.create(server.endpoint() + "/");
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "CodeDeploy_20141006." + operation);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        signer.sign("POST", uri, headers, body.getBytes(StandardCharsets.UTF_8), "codedeploy").forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CodePipelineClient pipelines(AwsCredentials credentials) {
        return CodePipelineClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryPolicy(software.amazon.awssdk.core.retry.RetryPolicy.none())).build();
    }

    private static AwsCredentials user(String name, String policy) {
        iam.createUser(r -> r.userName(name));
        iam.putUserPolicy(r -> r.userName(name).policyName(name + "-policy").policyDocument(policy));
        AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }
}
