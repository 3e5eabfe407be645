package dev.conveyor.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.conveyor.iam.policy.Decision.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluation rules, one row per case: which policies apply, what is asked (action, resource, context), and the
 * outcome. Statements are written compactly with {@link #allow}/{@link #deny} and the policies built from them.
 */
class PolicyEvaluatorTest {
    private static final String ACCOUNT = "arn:aws:codepipeline:us-east-1:000000000000:";

    static Stream<Arguments> cases() {
        return Stream.of(
                // Default deny, and explicit deny over allow
                row("nothing applies: implicit deny", List.of(), "codepipeline:GetPipeline", ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("an exact allow", policies(allow("codepipeline:GetPipeline", ACCOUNT + "p")), "codepipeline:GetPipeline", ACCOUNT + "p",
                        Map.of(), Outcome.ALLOWED),
                row("allow of another action", policies(allow("codepipeline:ListPipelines", "*")), "codepipeline:GetPipeline", ACCOUNT + "p",
                        Map.of(), Outcome.IMPLICIT_DENY),
                row("deny after allow wins", policies(allow("*", "*"), deny("codepipeline:DeletePipeline", "*")),
                        "codepipeline:DeletePipeline", ACCOUNT + "p", Map.of(), Outcome.EXPLICIT_DENY),
                row("deny before allow wins", policies(deny("codepipeline:DeletePipeline", "*"), allow("*", "*")),
                        "codepipeline:DeletePipeline", ACCOUNT + "p", Map.of(), Outcome.EXPLICIT_DENY),
                row("deny in another policy wins", List.of(policies(allow("*", "*")).getFirst(), policies(deny("codepipeline:*", "*")).getFirst()),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of(), Outcome.EXPLICIT_DENY),
                row("a deny of another resource does not apply", policies(allow("*", "*"), deny("*", ACCOUNT + "prod")),
                        "codepipeline:DeletePipeline", ACCOUNT + "dev", Map.of(), Outcome.ALLOWED),
                // Actions: wildcards and case
                row("Get* matches GetPipeline", policies(allow("codepipeline:Get*", "*")), "codepipeline:GetPipeline", ACCOUNT + "p",
                        Map.of(), Outcome.ALLOWED),
                row("Get* matches GetPipelineState", policies(allow("codepipeline:Get*", "*")), "codepipeline:GetPipelineState",
                        ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("Get* does not match ListPipelines", policies(allow("codepipeline:Get*", "*")), "codepipeline:ListPipelines",
                        ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("Get* of one service is not another's", policies(allow("codebuild:Get*", "*")), "codepipeline:GetPipeline",
                        ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("action names are case-insensitive", policies(allow("CodePipeline:getpipeline", "*")), "codepipeline:GetPipeline",
                        ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("? matches exactly one character", policies(allow("codepipeline:Get?ipeline", "*")), "codepipeline:GetPipeline",
                        ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("? does not match two", policies(allow("codepipeline:Get?ipeline", "*")), "codepipeline:GetPipelineState",
                        ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("* alone matches every action", policies(allow("*", "*")), "iam:CreateUser", "arn:aws:iam::000000000000:user/x",
                        Map.of(), Outcome.ALLOWED),
                row("any of a list of actions", policies(allow(List.of("codepipeline:List*", "codepipeline:StartPipelineExecution"), "*")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                // Resources: wildcards per ARN segment, pipeline/stage/action, S3
                row("a pipeline name prefix", policies(allow("*", ACCOUNT + "prod-*")), "codepipeline:GetPipeline", ACCOUNT + "prod-web",
                        Map.of(), Outcome.ALLOWED),
                row("a pipeline name prefix, other pipeline", policies(allow("*", ACCOUNT + "prod-*")), "codepipeline:GetPipeline",
                        ACCOUNT + "dev-web", Map.of(), Outcome.IMPLICIT_DENY),
                row("any region", policies(allow("*", "arn:aws:codepipeline:*:000000000000:p")), "codepipeline:GetPipeline",
                        "arn:aws:codepipeline:eu-west-1:000000000000:p", Map.of(), Outcome.ALLOWED),
                row("a pattern of fewer segments matches as one glob", policies(allow("*", "arn:aws:codepipeline:*:p")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("another account", policies(allow("*", "arn:aws:codepipeline:us-east-1:111111111111:*")), "codepipeline:GetPipeline",
                        ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("resources are case-sensitive", policies(allow("*", ACCOUNT + "Prod")), "codepipeline:GetPipeline", ACCOUNT + "prod",
                        Map.of(), Outcome.IMPLICIT_DENY),
                row("an approval action of a stage", policies(allow("codepipeline:PutApprovalResult", ACCOUNT + "deploy/Approve/*")),
                        "codepipeline:PutApprovalResult", ACCOUNT + "deploy/Approve/Manual", Map.of(), Outcome.ALLOWED),
                row("the pipeline alone is not its actions", policies(allow("codepipeline:PutApprovalResult", ACCOUNT + "deploy")),
                        "codepipeline:PutApprovalResult", ACCOUNT + "deploy/Approve/Manual", Map.of(), Outcome.IMPLICIT_DENY),
                row("another stage", policies(allow("codepipeline:PutApprovalResult", ACCOUNT + "deploy/Approve/*")),
                        "codepipeline:PutApprovalResult", ACCOUNT + "deploy/Release/Manual", Map.of(), Outcome.IMPLICIT_DENY),
                row("objects under a bucket, nested", policies(allow("s3:GetObject", "arn:aws:s3:::artifacts/*")), "s3:GetObject",
                        "arn:aws:s3:::artifacts/builds/app.zip", Map.of(), Outcome.ALLOWED),
                row("objects/* is not the bucket", policies(allow("s3:*", "arn:aws:s3:::artifacts/*")), "s3:ListBucket",
                        "arn:aws:s3:::artifacts", Map.of(), Outcome.IMPLICIT_DENY),
                row("a bucket prefix is not another bucket", policies(allow("s3:*", "arn:aws:s3:::artifacts*")), "s3:GetObject",
                        "arn:aws:s3:::other/artifacts", Map.of(), Outcome.IMPLICIT_DENY),
                row("an action type", policies(allow("codepipeline:*", ACCOUNT + "actiontype:Custom/Build/*")),
                        "codepipeline:DeleteCustomActionType", ACCOUNT + "actiontype:Custom/Build/Jenkins/1", Map.of(), Outcome.ALLOWED),
                row("a webhook", policies(allow("codepipeline:DeleteWebhook", ACCOUNT + "webhook:gh-*")), "codepipeline:DeleteWebhook",
                        ACCOUNT + "webhook:gh-main", Map.of(), Outcome.ALLOWED),
                row("a CodeBuild project", policies(allow("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:000000000000:project/app-*")),
                        "codebuild:StartBuild", "arn:aws:codebuild:us-east-1:000000000000:project/app-test", Map.of(), Outcome.ALLOWED),
                row("a secret", policies(allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-??????")),
                        "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf", Map.of(),
                        Outcome.ALLOWED),
                row("a deployment group", policies(allow("codedeploy:CreateDeployment",
                                "arn:aws:codedeploy:us-east-1:000000000000:deploymentgroup:shop/*")), "codedeploy:CreateDeployment",
                        "arn:aws:codedeploy:us-east-1:000000000000:deploymentgroup:shop/prod", Map.of(), Outcome.ALLOWED),
                // NotAction, NotResource
                row("NotAction allows what it does not list", policies(statement("Allow", "NotAction", List.of("iam:*"), "Resource", "*", null)),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("NotAction does not allow what it lists", policies(statement("Allow", "NotAction", List.of("iam:*"), "Resource", "*", null)),
                        "iam:CreateUser", "arn:aws:iam::000000000000:user/x", Map.of(), Outcome.IMPLICIT_DENY),
                row("Deny with NotAction denies everything else", policies(allow("*", "*"),
                                statement("Deny", "NotAction", List.of("codepipeline:Get*", "codepipeline:List*"), "Resource", "*", null)),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.EXPLICIT_DENY),
                row("Deny with NotAction leaves what it lists", policies(allow("*", "*"),
                                statement("Deny", "NotAction", List.of("codepipeline:Get*", "codepipeline:List*"), "Resource", "*", null)),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("NotResource allows other resources", policies(statement("Allow", "Action", List.of("*"), "NotResource",
                        ACCOUNT + "secret-*", null)), "codepipeline:GetPipeline", ACCOUNT + "web", Map.of(), Outcome.ALLOWED),
                row("NotResource does not allow the listed ones", policies(statement("Allow", "Action", List.of("*"), "NotResource",
                        ACCOUNT + "secret-*", null)), "codepipeline:GetPipeline", ACCOUNT + "secret-ops", Map.of(), Outcome.IMPLICIT_DENY),
                // Conditions
                row("StringEquals on a resource tag", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("web")), Outcome.ALLOWED),
                row("StringEquals, other value", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("data")),
                        Outcome.IMPLICIT_DENY),
                row("StringEquals, tag absent", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.IMPLICIT_DENY),
                row("StringEquals is case-sensitive", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("Web")),
                        Outcome.IMPLICIT_DENY),
                row("StringEqualsIgnoreCase", policies(allowIf("{\"StringEqualsIgnoreCase\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("WEB")), Outcome.ALLOWED),
                row("any of several values", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": [\"web\", \"api\"]}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("api")), Outcome.ALLOWED),
                row("every key must hold", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\", \"aws:ResourceTag/env\": \"prod\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("web"),
                                "aws:ResourceTag/env", List.of("dev")), Outcome.IMPLICIT_DENY),
                row("every operator must hold", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/team\": \"web\"}, "
                                + "\"Bool\": {\"aws:SecureTransport\": \"true\"}}")), "codepipeline:StartPipelineExecution", ACCOUNT + "p",
                        Map.of("aws:ResourceTag/team", List.of("web"), "aws:SecureTransport", List.of("true")), Outcome.ALLOWED),
                row("condition key names are case-insensitive", policies(allowIf("{\"StringEquals\": {\"AWS:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:resourcetag/team", List.of("web")), Outcome.ALLOWED),
                row("StringLike with a wildcard", policies(allowIf("{\"StringLike\": {\"aws:ResourceTag/env\": \"prod-*\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/env", List.of("prod-eu")), Outcome.ALLOWED),
                row("StringLike, no match", policies(allowIf("{\"StringLike\": {\"aws:ResourceTag/env\": \"prod-*\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/env", List.of("dev-eu")),
                        Outcome.IMPLICIT_DENY),
                row("StringNotEquals holds for other values", policies(allowIf("{\"StringNotEquals\": {\"aws:ResourceTag/env\": \"prod\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/env", List.of("dev")), Outcome.ALLOWED),
                row("StringNotEquals fails for the value", policies(allowIf("{\"StringNotEquals\": {\"aws:ResourceTag/env\": \"prod\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/env", List.of("prod")),
                        Outcome.IMPLICIT_DENY),
                row("StringNotEquals holds when the key is absent", policies(allowIf("{\"StringNotEquals\": {\"aws:ResourceTag/env\": \"prod\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("StringNotLike", policies(allowIf("{\"StringNotLike\": {\"aws:ResourceTag/env\": \"prod*\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/env", List.of("production")),
                        Outcome.IMPLICIT_DENY),
                row("IfExists holds when the key is absent", policies(allowIf("{\"StringEqualsIfExists\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("IfExists tests the key when present", policies(allowIf("{\"StringEqualsIfExists\": {\"aws:ResourceTag/team\": \"web\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("data")),
                        Outcome.IMPLICIT_DENY),
                row("Null true: the key is absent", policies(allowIf("{\"Null\": {\"aws:ResourceTag/team\": \"true\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of(), Outcome.ALLOWED),
                row("Null true: the key is present", policies(allowIf("{\"Null\": {\"aws:ResourceTag/team\": \"true\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p", Map.of("aws:ResourceTag/team", List.of("web")),
                        Outcome.IMPLICIT_DENY),
                row("IpAddress inside the range", policies(allowIf("{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("10.1.2.3")), Outcome.ALLOWED),
                row("IpAddress outside the range", policies(allowIf("{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("192.168.1.1")), Outcome.IMPLICIT_DENY),
                row("IpAddress of a single address", policies(allowIf("{\"IpAddress\": {\"aws:SourceIp\": [\"127.0.0.1\", \"::1/128\"]}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("0:0:0:0:0:0:0:1")), Outcome.ALLOWED),
                row("IPv4 ranges do not hold IPv6 addresses", policies(allowIf("{\"IpAddress\": {\"aws:SourceIp\": \"0.0.0.0/0\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("::1")), Outcome.IMPLICIT_DENY),
                row("Deny from outside a network", policies(allow("*", "*"), denyIf("{\"NotIpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("8.8.8.8")), Outcome.EXPLICIT_DENY),
                row("no deny from inside the network", policies(allow("*", "*"), denyIf("{\"NotIpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SourceIp", List.of("10.9.9.9")), Outcome.ALLOWED),
                row("Deny without TLS", policies(allow("*", "*"), denyIf("{\"Bool\": {\"aws:SecureTransport\": \"false\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SecureTransport", List.of("false")), Outcome.EXPLICIT_DENY),
                row("no deny with TLS", policies(allow("*", "*"), denyIf("{\"Bool\": {\"aws:SecureTransport\": \"false\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:SecureTransport", List.of("true")), Outcome.ALLOWED),
                row("ArnLike on the principal", policies(allowIf("{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::000000000000:role/deploy-*\"}}")),
                        "codepipeline:GetPipeline", ACCOUNT + "p", Map.of("aws:PrincipalArn", List.of("arn:aws:iam::000000000000:role/deploy-web")),
                        Outcome.ALLOWED),
                row("ForAnyValue: one of the request's values", policies(allowIf("{\"ForAnyValue:StringEquals\": {\"aws:TagKeys\": [\"team\"]}}")),
                        "codepipeline:TagResource", ACCOUNT + "p", Map.of("aws:TagKeys", List.of("env", "team")), Outcome.ALLOWED),
                row("ForAllValues: every request value listed", policies(allowIf("{\"ForAllValues:StringEquals\": {\"aws:TagKeys\": [\"team\", \"env\"]}}")),
                        "codepipeline:TagResource", ACCOUNT + "p", Map.of("aws:TagKeys", List.of("env", "owner")), Outcome.IMPLICIT_DENY),
                // Policy variables
                row("${aws:username} in a resource", policies(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")), "s3:GetObject",
                        "arn:aws:s3:::home/alice/notes.txt", Map.of("aws:username", List.of("alice")), Outcome.ALLOWED),
                row("${aws:username}, someone else's", policies(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")), "s3:GetObject",
                        "arn:aws:s3:::home/bob/notes.txt", Map.of("aws:username", List.of("alice")), Outcome.IMPLICIT_DENY),
                row("a variable the request lacks matches nothing", policies(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*")),
                        "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x", Map.of(), Outcome.IMPLICIT_DENY),
                row("variables in condition values", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/owner\": \"${aws:username}\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p",
                        Map.of("aws:ResourceTag/owner", List.of("alice"), "aws:username", List.of("alice")), Outcome.ALLOWED),
                row("no variables under the 2008 version", List.of(new NamedPolicy("old", PolicyParser.parse(
                                "{\"Version\": \"2008-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", "
                                        + "\"Resource\": \"arn:aws:s3:::home/${aws:username}/*\"}]}", PolicyParser.Kind.IDENTITY))),
                        "s3:GetObject", "arn:aws:s3:::home/alice/x", Map.of("aws:username", List.of("alice")), Outcome.IMPLICIT_DENY),
                row("${*} is a literal star", policies(allow("s3:*", "arn:aws:s3:::odd/${*}")), "s3:GetObject", "arn:aws:s3:::odd/*",
                        Map.of(), Outcome.ALLOWED),
                row("a variable's value is literal in StringEquals", policies(allowIf("{\"StringEquals\": {\"aws:ResourceTag/owner\": \"${aws:username}\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p",
                        Map.of("aws:ResourceTag/owner", List.of("a*"), "aws:username", List.of("a*")), Outcome.ALLOWED),
                row("a variable's value is literal in StringLike", policies(allowIf("{\"StringLike\": {\"aws:ResourceTag/owner\": \"${aws:username}\"}}")),
                        "codepipeline:StartPipelineExecution", ACCOUNT + "p",
                        Map.of("aws:ResourceTag/owner", List.of("abc"), "aws:username", List.of("a*")), Outcome.IMPLICIT_DENY),
                row("${*} is not a wildcard", policies(allow("s3:*", "arn:aws:s3:::odd/${*}")), "s3:GetObject", "arn:aws:s3:::odd/file",
                        Map.of(), Outcome.IMPLICIT_DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String description, List<NamedPolicy> policies, String action, String resource, Map<String, List<String>> context,
                 Outcome expected) {
        assertThat(PolicyEvaluator.evaluate(policies, new AuthorizationRequest(action, resource, context)).outcome()).isEqualTo(expected);
    }

    @Test
    void aDecisionCitesTheStatementAndDenialsReadAsAws() {
        List<NamedPolicy> policies = List.of(new NamedPolicy("arn:aws:iam::000000000000:policy/Guard", PolicyParser.parse("""
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
                  {"Sid": "NoDelete", "Effect": "Deny", "Action": "codepipeline:DeletePipeline", "Resource": "*"}]}""",
                PolicyParser.Kind.IDENTITY)));
        AuthorizationRequest delete = new AuthorizationRequest("codepipeline:DeletePipeline", ACCOUNT + "p");
        Decision denied = PolicyEvaluator.evaluate(policies, delete);
        assertThat(denied.sid()).isEqualTo("NoDelete");
        assertThat(denied.policy()).isEqualTo("arn:aws:iam::000000000000:policy/Guard");
        assertThat(denied.reason()).isEqualTo("explicitly denied by statement NoDelete of policy arn:aws:iam::000000000000:policy/Guard");
        assertThat(denied.denialMessage("arn:aws:iam::000000000000:user/bob", delete)).isEqualTo(
                "User: arn:aws:iam::000000000000:user/bob is not authorized to perform: codepipeline:DeletePipeline on resource: "
                        + ACCOUNT + "p with an explicit deny in an identity-based policy");
        Decision allowed = PolicyEvaluator.evaluate(policies, new AuthorizationRequest("codepipeline:GetPipeline", ACCOUNT + "p"));
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.sid()).isEqualTo("All");
        AuthorizationRequest other = new AuthorizationRequest("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:000000000000:project/x");
        assertThat(PolicyEvaluator.evaluate(List.of(), other).denialMessage("arn:aws:iam::000000000000:user/bob", other)).endsWith(
                "because no identity-based policy allows the codebuild:StartBuild action");
    }

    @Test
    void trustPoliciesApplyOnlyToThePrincipalsTheyName() {
        PolicyDocument trust = PolicyParser.parse("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::000000000000:user/builder"]}, "Action": "sts:AssumeRole"},
                  {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                   "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}""", PolicyParser.Kind.TRUST);
        String role = "arn:aws:iam::000000000000:role/deploy";
        Map<String, List<String>> inside = Map.of("aws:SourceIp", List.of("10.0.0.1"));
        assertThat(TrustPolicies.evaluate(trust, "arn:aws:iam::000000000000:user/builder", "000000000000", role, inside).allowed()).isTrue();
        assertThat(TrustPolicies.evaluate(trust, "arn:aws:iam::000000000000:user/other", "000000000000", role, inside).outcome())
                .isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(TrustPolicies.evaluate(trust, "arn:aws:iam::000000000000:user/builder", "000000000000", role,
                Map.of("aws:SourceIp", List.of("8.8.8.8"))).outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
    }

    private static Arguments row(String description, List<NamedPolicy> policies, String action, String resource,
                                 Map<String, List<String>> context, Outcome expected) {
        return arguments(description, policies, action, resource, context, expected);
    }

    private static String allow(String action, String resource) {
        return statement("Allow", "Action", List.of(action), "Resource", resource, null);
    }

    private static String allow(List<String> actions, String resource) {
        return statement("Allow", "Action", actions, "Resource", resource, null);
    }

    private static String deny(String action, String resource) {
        return statement("Deny", "Action", List.of(action), "Resource", resource, null);
    }

    private static String allowIf(String condition) {
        return statement("Allow", "Action", List.of("*"), "Resource", "*", condition);
    }

    private static String denyIf(String condition) {
        return statement("Deny", "Action", List.of("*"), "Resource", "*", condition);
    }

    private static String statement(String effect, String actionElement, List<String> actions, String resourceElement, String resource,
                                    String condition) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("Effect", "\"" + effect + "\"");
        parts.put(actionElement, "[" + String.join(", ", actions.stream().map(a -> "\"" + a + "\"").toList()) + "]");
        parts.put(resourceElement, "\"" + resource + "\"");
        if (condition != null) {
            parts.put("Condition", condition);
        }
        List<String> members = new ArrayList<>();
        parts.forEach((k, v) -> members.add("\"" + k + "\": " + v));
        return "{" + String.join(", ", members) + "}";
    }

    /** One policy (Version 2012-10-17) holding the given statements. */
    private static List<NamedPolicy> policies(String... statements) {
        String document = "{\"Version\": \"2012-10-17\", \"Statement\": [" + String.join(", ", statements) + "]}";
        return List.of(new NamedPolicy("test", PolicyParser.parse(document, PolicyParser.Kind.IDENTITY)));
    }
}
