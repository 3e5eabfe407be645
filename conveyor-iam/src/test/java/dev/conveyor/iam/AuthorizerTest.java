package dev.conveyor.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.errors.AccessDeniedException;
import dev.conveyor.iam.identity.NewAccessKey;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.TemporaryCredentials;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision.Outcome;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Decisions for stored identities, on both databases: a user's attached and inline policies, a role session's, the account's. */
class AuthorizerTest {
    private static final String PIPELINES = "arn:aws:codepipeline:us-east-1:000000000000:";

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void evaluatesTheAttachedAndInlinePoliciesOfUsersAndRoleSessions(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            IamServices iam = iam(db);
            ResourceArns arns = iam.resourceArns();
            String readProd = iam.policies().create("ReadProd", "/", """
                    {"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Action": ["codepipeline:Get*", "codepipeline:List*"], "Resource": "%s"},
                      {"Effect": "Allow", "Action": "codepipeline:PutApprovalResult", "Resource": "%s"},
                      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"""
                    .formatted(PIPELINES + "prod-*", arns.action("prod-web", "Approve", "*")), null).arn();
            iam.users().create("bob", "/");
            iam.users().attachPolicy("bob", readProd);
            iam.users().putInlinePolicy("bob", "NoSecrets", """
                    {"Version": "2012-10-17", "Statement": {"Sid": "NoSecrets", "Effect": "Deny", "Action": "*", "Resource": "%s"}}"""
                    .formatted(PIPELINES + "prod-secret"));
            NewAccessKey key = iam.users().createAccessKey("bob");
            Principal bob = iam.signingKeys().find(key.key().accessKeyId()).orElseThrow().principal();
            assertThat(bob).isEqualTo(new Principal.User("000000000000", "bob", iam.users().get("bob").userId(),
                    "arn:aws:iam::000000000000:user/bob"));

            Authorizer authorizer = iam.authorizer();
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("prod-web"))).outcome())
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("dev-web"))).outcome())
                    .isEqualTo(Outcome.IMPLICIT_DENY);
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:StartPipelineExecution", arns.pipeline("prod-web")))
                    .outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
            var secret = authorizer.authorize(bob, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("prod-secret")));
            assertThat(secret.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
            assertThat(secret.policy()).as("the inline policy that denied").isEqualTo("NoSecrets");
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:PutApprovalResult",
                    arns.action("prod-web", "Approve", "Manual"))).allowed()).isTrue();
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:PutApprovalResult",
                    arns.action("prod-web", "Release", "Manual"))).allowed()).isFalse();
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("s3:GetObject", ResourceArns.object("home", "bob/notes"))).allowed())
                    .as("${aws:username} is the principal's name").isTrue();
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("s3:GetObject", ResourceArns.object("home", "eve/notes"))).allowed())
                    .isFalse();
            assertThatThrownBy(() -> authorizer.requireAllowed(bob, new AuthorizationRequest("codepipeline:DeletePipeline",
                    arns.pipeline("prod-web"))))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessage("User: arn:aws:iam::000000000000:user/bob is not authorized to perform: codepipeline:DeletePipeline on "
                            + "resource: " + arns.pipeline("prod-web") + " because no identity-based policy allows the "
                            + "codepipeline:DeletePipeline action");

            iam.roles().create("reader", "/ci/", """
                    {"Statement": {"Effect": "Allow", "Principal": {"AWS": "000000000000"}, "Action": "sts:AssumeRole"}}""", null, null);
            iam.roles().attachPolicy("reader", readProd);
            TemporaryCredentials session = iam.roles().assume(new Principal.Account("000000000000"),
                    "arn:aws:iam::000000000000:role/ci/reader", "nightly", 900, Map.of());
            Principal reader = iam.signingKeys().find(session.accessKeyId()).orElseThrow().principal();
            assertThat(reader.arn()).isEqualTo("arn:aws:sts::000000000000:assumed-role/reader/nightly");
            assertThat(authorizer.authorize(reader, new AuthorizationRequest("codepipeline:ListPipelines", arns.pipeline("prod-api")))
                    .allowed()).isTrue();
            assertThat(authorizer.authorize(reader, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("prod-secret")))
                    .allowed()).as("bob's inline deny is bob's only").isTrue();
            assertThat(authorizer.authorize(reader, new AuthorizationRequest("codebuild:StartBuild", arns.codeBuildProject("x"))).allowed())
                    .isFalse();
            String onlyCiRoles = iam.policies().create("OnlyCiRoles", "/", """
                    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codebuild:*", "Resource": "*",
                     "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::000000000000:role/ci/*"}}}}""", null).arn();
            iam.roles().attachPolicy("reader", onlyCiRoles);
            assertThat(authorizer.authorize(reader, new AuthorizationRequest("codebuild:StartBuild", arns.codeBuildProject("x"))).allowed())
                    .as("a session's aws:PrincipalArn is its role's ARN, path included").isTrue();

            assertThat(authorizer.authorize(new Principal.Account("000000000000"),
                    new AuthorizationRequest("iam:DeleteUser", "arn:aws:iam::000000000000:user/bob")).allowed()).isTrue();
            assertThat(authorizer.authorize(bob, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("prod-web"),
                    Map.of("aws:SourceIp", List.of("10.0.0.1")))).allowed()).isTrue();
        }
    }

    /**
     * Allows are kept per principal, action and resource when the policies cannot look at anything else (issue 20):
     * a condition still decides each request by its own context, and any IAM change applies to the next request.
     */
    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aKeptAllowNeverOutlivesAConditionOrAPolicyChange(String kind) throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            IamServices iam = iam(db);
            Authorizer authorizer = iam.authorizer();
            ResourceArns arns = iam.resourceArns();
            iam.users().create("dana", "/");
            iam.users().putInlinePolicy("dana", "FromTheOffice", """
                    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codepipeline:GetPipeline", "Resource": "*",
                     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}}""");
            Principal dana = iam.signingKeys().find(iam.users().createAccessKey("dana").key().accessKeyId()).orElseThrow().principal();
            AuthorizationRequest inside = new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("web"),
                    Map.of("aws:SourceIp", List.of("10.1.2.3")));
            AuthorizationRequest outside = new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("web"),
                    Map.of("aws:SourceIp", List.of("192.168.1.9")));
            for (int round = 0; round < 2; round++) {
                assertThat(authorizer.authorize(dana, inside).allowed()).as("round %d, from the office", round).isTrue();
                assertThat(authorizer.authorize(dana, outside).outcome()).as("round %d, from elsewhere", round)
                        .isEqualTo(Outcome.IMPLICIT_DENY);
            }

            // Without the condition an Allow is kept; replacing the policy, or removing it, applies at once.
            iam.users().putInlinePolicy("dana", "FromTheOffice", """
                    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codepipeline:GetPipeline", "Resource": "*"}}""");
            assertThat(authorizer.authorize(dana, outside).allowed()).isTrue();
            assertThat(authorizer.authorize(dana, outside).allowed()).as("answered again").isTrue();
            iam.users().putInlinePolicy("dana", "FromTheOffice", """
                    {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codepipeline:GetPipeline",
                     "Resource": "%s"}}""".formatted(arns.pipeline("api")));
            assertThat(authorizer.authorize(dana, outside).outcome()).as("narrowed to another pipeline").isEqualTo(Outcome.IMPLICIT_DENY);
            assertThat(authorizer.authorize(dana, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("api"))).allowed())
                    .isTrue();
            iam.users().deleteInlinePolicy("dana", "FromTheOffice");
            assertThat(authorizer.authorize(dana, new AuthorizationRequest("codepipeline:GetPipeline", arns.pipeline("api"))).outcome())
                    .as("removed").isEqualTo(Outcome.IMPLICIT_DENY);
        }
    }

    private static IamServices iam(Database db) throws java.io.IOException {
        return IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC()), "us-east-1", "000000000000",
                Clock.systemUTC());
    }
}
