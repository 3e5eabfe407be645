package dev.conveyor.server;

import static dev.conveyor.server.ExecutionFixtures.awaitSettled;
import static dev.conveyor.server.ExecutionFixtures.commands;
import static dev.conveyor.server.ExecutionFixtures.createdExecution;
import static dev.conveyor.server.ExecutionFixtures.pipeline;
import static dev.conveyor.server.ExecutionFixtures.source;
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
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.Result;
import software.amazon.awssdk.services.codepipeline.model.RuleDeclaration;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.RuleExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * A pipeline whose role is absent or not a role of Conveyor's IAM (any definition copied from AWS) acts with the
 * authority of whoever handed it over, the principal that created or last updated it, never the server's: a
 * restricted user's pipeline reads what that user may read and nothing else, an administrator's keeps running, a
 * deleted user's is refused. Stage conditions' rules that run as jobs are checked against their role the same way, and
 * a role Conveyor's IAM holds is usable only if it trusts CodePipeline. Default settings ({@code requireKnownRoles}
 * off), through the AWS SDK v2.
 */
class PipelineAuthorityTest {
    private static final String ACCOUNT = "000000000000";
    private static final String MADE_UP_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/copied-from-aws";
    private static final String CODEPIPELINE_TRUST = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
              "Action": "sts:AssumeRole"}]}""";
    /** Pipelines, passing roles, the artifact store and the public sources; not the secret ones. */
    private static final String DEVELOPER = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["codepipeline:*", "iam:PassRole"], "Resource": "*"},
              {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
               "Resource": ["arn:aws:s3:::conveyor-test-artifacts/*", "arn:aws:s3:::conveyor-test-sources/public/*"]}]}""";
    private static ConveyorServer server;
    private static IamClient iam;
    private static CodePipelineClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = new ConveyorServer(ServerConfig.embedded(Files.createTempDirectory("conveyor-authority-"), 0)
                .withAuth(ServerConfig.AuthSettings.administrator(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY)))
                .start();
        AwsCredentials credentials = AwsBasicCredentials.create(TestCredentials.ACCESS_KEY_ID, TestCredentials.SECRET_ACCESS_KEY);
        iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create()).build();
        admin = pipelines(credentials);
        ExecutionFixtures.putSource(server.objects(), "public/app.zip", Map.of("app.txt", "public"));
        ExecutionFixtures.putSource(server.objects(), "secret/app.zip", Map.of("app.txt", "secret"));
        ExecutionFixtures.putSource(server.objects(), Map.of("app.txt", "v1"));
    }

    @AfterAll
    static void stop() {
        iam.close();
        admin.close();
        server.close();
    }

    @Test
    void aRestrictedUsersPipelineWithAMadeUpRoleReadsWhatTheUserMayAndNothingElse() {
        try (CodePipelineClient developer = pipelines(user("developer", DEVELOPER))) {
            developer.createPipeline(r -> r.pipeline(madeUpRole("dev-public", "public/app.zip")));
            assertThat(awaitSettled(developer, "dev-public", createdExecution(developer, "dev-public")).status())
                    .as("the user may read the public sources and the artifacts").isEqualTo(PipelineExecutionStatus.SUCCEEDED);

            developer.createPipeline(r -> r.pipeline(madeUpRole("dev-secret", "secret/app.zip")));
            String id = createdExecution(developer, "dev-secret");
            assertThat(awaitSettled(developer, "dev-secret", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
            assertThat(action(admin, "dev-secret", id, "Source").output().executionResult().errorDetails().message()).startsWith(
                    "User: arn:aws:iam::" + ACCOUNT + ":user/developer is not authorized to perform: s3:GetObject on resource: "
                            + "arn:aws:s3:::conveyor-test-sources/secret/app.zip because no identity-based policy allows the "
                            + "s3:GetObject action (Conveyor acts on behalf of pipeline dev-secret with the authority of the principal "
                            + "that created or last updated it, its role " + MADE_UP_ROLE + " not being a role of Conveyor's IAM)");

            // The administrator taking the pipeline over (updating it) hands it the administrator's authority.
            PipelineDeclaration current = admin.getPipeline(r -> r.name("dev-secret")).pipeline();
            admin.updatePipeline(r -> r.pipeline(current));
            String again = admin.startPipelineExecution(r -> r.name("dev-secret")).pipelineExecutionId();
            assertThat(awaitSettled(admin, "dev-secret", again).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        }
    }

    @Test
    void anAdministratorsPipelineWithAMadeUpRoleStillRuns() {
        admin.createPipeline(r -> r.pipeline(madeUpRole("admin-secret", "secret/app.zip")));
        String id = createdExecution(admin, "admin-secret");
        assertThat(awaitSettled(admin, "admin-secret", id).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
    }

    @Test
    void aDeletedUsersPipelineIsRefused() {
        try (CodePipelineClient leaver = pipelines(user("leaver", DEVELOPER))) {
            leaver.createPipeline(r -> r.pipeline(madeUpRole("leavers", "public/app.zip")));
            assertThat(awaitSettled(leaver, "leavers", createdExecution(leaver, "leavers")).status()).isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        }
        for (var key : iam.listAccessKeys(r -> r.userName("leaver")).accessKeyMetadata()) {
            iam.deleteAccessKey(r -> r.userName("leaver").accessKeyId(key.accessKeyId()));
        }
        iam.deleteUserPolicy(r -> r.userName("leaver").policyName("leaver-policy"));
        iam.deleteUser(r -> r.userName("leaver"));

        String id = admin.startPipelineExecution(r -> r.name("leavers")).pipelineExecutionId();
        assertThat(awaitSettled(admin, "leavers", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action(admin, "leavers", id, "Source").output().executionResult().errorDetails().message()).isEqualTo(
                "Conveyor cannot act on behalf of pipeline leavers: it has no role of Conveyor's IAM to act as and the user "
                        + "arn:aws:iam::" + ACCOUNT + ":user/leaver no longer exists (it created or last updated the pipeline). "
                        + "Update the pipeline, or give it a role.");

        // A user created again under the same name is a new principal: the pipeline stays refused.
        iam.createUser(r -> r.userName("leaver"));
        iam.putUserPolicy(r -> r.userName("leaver").policyName("leaver-policy").policyDocument(DEVELOPER));
        String after = admin.startPipelineExecution(r -> r.name("leavers")).pipelineExecutionId();
        assertThat(awaitSettled(admin, "leavers", after).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action(admin, "leavers", after, "Source").output().executionResult().errorDetails().message())
                .contains("user/leaver no longer exists");
    }

    @Test
    void aRuleJobItsRoleMayNotRunFailsItsCondition() {
        String role = iam.createRole(r -> r.roleName("rule-without-rights").assumeRolePolicyDocument(CODEPIPELINE_TRUST)).role().arn();
        RuleDeclaration check = RuleDeclaration.builder().name("Check")
                .ruleTypeId(t -> t.category("Rule").owner("AWS").provider("Commands").version("1"))
                .commands("true").inputArtifacts(a -> a.name("SourceOutput")).roleArn(role).build();
        StageDeclaration deploy = stage("Deploy", commands("Deploy", 1, "true")).toBuilder()
                .beforeEntry(b -> b.conditions(c -> c.result(Result.FAIL).rules(check))).build();
        admin.createPipeline(r -> r.pipeline(pipeline("rule-role", "QUEUED", deploy)));
        String id = createdExecution(admin, "rule-role");
        assertThat(awaitSettled(admin, "rule-role", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        RuleExecutionDetail rule = admin.listRuleExecutions(r -> r.pipelineName("rule-role").filter(f -> f.pipelineExecutionId(id)))
                .ruleExecutionDetails().getFirst();
        assertThat(rule.status()).isEqualTo(RuleExecutionStatus.FAILED);
        assertThat(rule.output().executionResult().errorDetails().message())
                .startsWith("User: arn:aws:sts::" + ACCOUNT + ":assumed-role/rule-without-rights/conveyor-job-")
                .contains("is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::conveyor-test-artifacts/");
        assertThat(admin.listActionExecutions(r -> r.pipelineName("rule-role").filter(f -> f.pipelineExecutionId(id)))
                .actionExecutionDetails()).extracting(ActionExecutionDetail::actionName).doesNotContain("Deploy");
    }

    @Test
    void aRoleThatDoesNotTrustCodePipelineIsRefused() {
        String role = iam.createRole(r -> r.roleName("ec2-only").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                  "Action": "sts:AssumeRole"}]}""")).role().arn();
        String policy = iam.createPolicy(r -> r.policyName("ec2-only-everything").policyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""")).policy().arn();
        iam.attachRolePolicy(r -> r.roleName("ec2-only").policyArn(policy));
        admin.createPipeline(r -> r.pipeline(pipeline("untrusted", "QUEUED", stage("Build", commands("Build", 1, "true")))
                .toBuilder().roleArn(role).build()));
        assertRefusedAsUntrusted("untrusted", role);

        // Trusting the account (as a role made for cross-account use does) is enough too.
        String accountTrusted = iam.createRole(r -> r.roleName("account-trusted").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                  "Action": "sts:AssumeRole"}]}""")).role().arn();
        iam.attachRolePolicy(r -> r.roleName("account-trusted").policyArn(policy));
        admin.createPipeline(r -> r.pipeline(pipeline("account-trusted", "QUEUED", stage("Build", commands("Build", 1, "true")))
                .toBuilder().roleArn(accountTrusted).build()));
        assertThat(awaitSettled(admin, "account-trusted", createdExecution(admin, "account-trusted")).status())
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);

        // The confused-deputy guard AWS recommends: CodePipeline only for this account's pipelines named "guarded-*".
        String guarded = iam.createRole(r -> r.roleName("guarded").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
                  "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "000000000000"},
                  "ArnLike": {"aws:SourceArn": "arn:aws:codepipeline:us-east-1:000000000000:guarded-*"}}}]}""")).role().arn();
        iam.attachRolePolicy(r -> r.roleName("guarded").policyArn(policy));
        for (String name : List.of("guarded-app", "unguarded-app")) {
            admin.createPipeline(r -> r.pipeline(pipeline(name, "QUEUED", stage("Build", commands("Build", 1, "true")))
                    .toBuilder().roleArn(guarded).build()));
        }
        assertThat(awaitSettled(admin, "guarded-app", createdExecution(admin, "guarded-app")).status())
                .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        assertRefusedAsUntrusted("unguarded-app", guarded);
    }

    @Test
    void aBuildWhoseRoleTrustsTheAccountOrThisPipelineGetsWorkingCredentialsAndAnotherPipelinesRoleIsRefused() {
        String everything = iam.createPolicy(r -> r.policyName("builds-everything").policyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""")).policy().arn();
        String accountOnly = iam.createRole(r -> r.roleName("build-account-only").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "000000000000"},
                  "Action": "sts:AssumeRole"}]}""")).role().arn();
        String pipelineOnly = iam.createRole(r -> r.roleName("build-one-pipeline").assumeRolePolicyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"},
                  "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:SourceArn":
                  "arn:aws:codepipeline:us-east-1:000000000000:trusting-build"}}}]}""")).role().arn();
        for (String role : List.of("build-account-only", "build-one-pipeline")) {
            iam.attachRolePolicy(r -> r.roleName(role).policyArn(everything));
        }
        createBuildAsItsRole("account-build", accountOnly, "build-account-only");
        createBuildAsItsRole("trusting-build", pipelineOnly, "build-one-pipeline");
        for (String name : List.of("account-build", "trusting-build")) {
            String id = createdExecution(admin, name);
            assertThat(awaitSettled(admin, name, id).status()).as("%s: its build called STS as its role", name)
                    .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        }

        createBuildAsItsRole("other-build", pipelineOnly, "build-one-pipeline");
        assertRefusedAsUntrusted("other-build", pipelineOnly);
    }

    @Test
    void aPolicyNarrowedAfterAFirstJobIsHonouredForTheNextJob() {
        try (CodePipelineClient narrowed = pipelines(user("narrowed", DEVELOPER))) {
            narrowed.createPipeline(r -> r.pipeline(madeUpRole("narrowing", "public/app.zip")));
            assertThat(awaitSettled(narrowed, "narrowing", createdExecution(narrowed, "narrowing")).status())
                    .isEqualTo(PipelineExecutionStatus.SUCCEEDED);
        }
        iam.putUserPolicy(r -> r.userName("narrowed").policyName("narrowed-policy").policyDocument("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["codepipeline:*", "iam:PassRole"], "Resource": "*"},
                  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::conveyor-test-artifacts/*"}]}"""));

        String id = admin.startPipelineExecution(r -> r.name("narrowing")).pipelineExecutionId();
        assertThat(awaitSettled(admin, "narrowing", id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action(admin, "narrowing", id, "Source").output().executionResult().errorDetails().message()).startsWith(
                "User: arn:aws:iam::" + ACCOUNT + ":user/narrowed is not authorized to perform: s3:GetObject on resource: "
                        + "arn:aws:s3:::conveyor-test-sources/public/app.zip");
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Runs the pipeline, whose role does not trust CodePipeline for it: its first action is refused at the job gate. */
    private static void assertRefusedAsUntrusted(String pipeline, String roleArn) {
        String id = createdExecution(admin, pipeline);
        assertThat(awaitSettled(admin, pipeline, id).status()).isEqualTo(PipelineExecutionStatus.FAILED);
        assertThat(action(admin, pipeline, id, "Source").output().executionResult().errorDetails().message())
                .isEqualTo("CodePipeline is not authorized to perform AssumeRole on role " + roleArn);
    }

    /**
     * A pipeline of role {@code roleArn} whose build calls STS's GetCallerIdentity with the credentials its job was
     * handed, and fails unless they are a session of {@code roleName}.
     */
    private static void createBuildAsItsRole(String name, String roleArn, String roleName) {
        String callerIdentity = "curl -sS --aws-sigv4 \"aws:amz:$AWS_REGION:sts\" --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\""
                + " -H \"x-amz-security-token: $AWS_SESSION_TOKEN\" -d 'Action=GetCallerIdentity&Version=2011-06-15' \"$AWS_ENDPOINT_URL/\""
                + " | grep 'assumed-role/" + roleName + "/conveyor-job-'";
        admin.createPipeline(r -> r.pipeline(pipeline(name, "QUEUED", stage("Build", commands("Build", 1, callerIdentity)))
                .toBuilder().roleArn(roleArn).build()));
    }

    /** A pipeline copied from AWS: its role is not one of Conveyor's IAM; its source reads {@code sourceKey}. */
    private static PipelineDeclaration madeUpRole(String name, String sourceKey) {
        PipelineDeclaration declared = pipeline(name, "QUEUED", stage("Build", commands("Build", 1, "cat app.txt")));
        StageDeclaration sourceStage = stage("Source", source(sourceKey));
        return declared.toBuilder().roleArn(MADE_UP_ROLE).stages(sourceStage, declared.stages().get(1)).build();
    }

    private static AwsCredentials user(String name, String policy) {
        iam.createUser(r -> r.userName(name));
        iam.putUserPolicy(r -> r.userName(name).policyName(name + "-policy").policyDocument(policy));
        AccessKey key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
    }

    private static CodePipelineClient pipelines(AwsCredentials credentials) {
        return CodePipelineClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(server.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static ActionExecutionDetail action(CodePipelineClient client, String pipeline, String executionId, String name) {
        List<ActionExecutionDetail> details = client.listActionExecutions(r -> r.pipelineName(pipeline)
                .filter(f -> f.pipelineExecutionId(executionId))).actionExecutionDetails();
        return details.stream().filter(d -> d.actionName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no execution of action " + name + " in " + details));
    }
}
