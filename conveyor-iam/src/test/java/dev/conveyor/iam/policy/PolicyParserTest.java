package dev.conveyor.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What IAM accepts as a policy document and what it refuses, with its messages. */
class PolicyParserTest {
    static Stream<Arguments> malformedIdentityPolicies() {
        return Stream.of(
                arguments("not json", "Syntax errors in policy."),
                arguments("[]", "Syntax errors in policy."),
                arguments("{\"Version\": \"2012-10-17\"}", "Missing required field Statement"),
                arguments("{\"Statement\": []}", "Statement must not be empty"),
                arguments("{\"Statement\": [\"Allow\"]}", "Each Statement must be an object"),
                arguments("{\"Version\": \"2020-01-01\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}",
                        "valid version string"),
                arguments("{\"Statement\": {\"Action\": \"*\", \"Resource\": \"*\"}}", "Missing required field Effect"),
                arguments("{\"Statement\": {\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}}", "Invalid effect: allow"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Resource\": \"*\"}}", "must contain actions"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}}", "must contain actions"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"iam:*\", \"Resource\": \"*\"}}",
                        "cannot have both Action and NotAction"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\"}}", "must contain resources"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"NotResource\": \"*\"}}",
                        "cannot have both Resource and NotResource"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"GetPipeline\", \"Resource\": \"*\"}}", "prefaced by a vendor"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"codepipeline:\", \"Resource\": \"*\"}}", "prefaced by a vendor"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [1], \"Resource\": \"*\"}}", "Action must hold strings"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"my-pipeline\"}}",
                        "Resource my-pipeline must be in ARN format or \"*\"."),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}}",
                        "should not specify a principal"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Actions\": \"*\"}}",
                        "Unknown statement element: Actions"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}, \"Extra\": 1}",
                        "Unknown policy element: Extra"),
                arguments("{\"Statement\": {\"Sid\": \"not ok\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}",
                        "alpha-numeric"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}}",
                        "Syntax errors in policy."),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"StringEqualz\": {\"aws:username\": \"a\"}}}}", "Invalid Condition type : StringEqualz"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"ForSomeValues:StringEquals\": {\"aws:TagKeys\": \"a\"}}}}", "Invalid Condition type"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"IpAddress\": {\"aws:SourceIp\": \"not-an-ip\"}}}}", "Invalid value for IpAddress"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/33\"}}}}", "Invalid value for IpAddress"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"Bool\": {\"aws:SecureTransport\": \"yes\"}}}}", "Invalid value for Bool"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"StringEquals\": {\"aws:username\": {\"a\": 1}}}}}", "must be strings"),
                arguments("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": "
                        + "{\"StringEquals\": {}}}}", "must map keys to values"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedIdentityPolicies")
    void refusesMalformedIdentityPoliciesSayingWhy(String document, String message) {
        assertThatThrownBy(() -> PolicyParser.parse(document, PolicyParser.Kind.IDENTITY))
                .isInstanceOf(MalformedPolicyException.class).hasMessageContaining(message);
    }

    @Test
    void readsTheShortAndLongFormsAlike() {
        PolicyDocument single = PolicyParser.parse("""
                {"Statement": {"Effect": "Deny", "NotAction": "codepipeline:Get*", "NotResource": "arn:aws:s3:::b/*",
                 "Condition": {"StringLikeIfExists": {"aws:ResourceTag/env": ["prod*", 7, true]}, "ForAllValues:StringEquals": {"aws:TagKeys": "a"}}}}""",
                PolicyParser.Kind.IDENTITY);
        assertThat(single.version()).as("IAM's default version").isEqualTo("2008-10-17");
        Statement s = single.statements().getFirst();
        assertThat(s.effect()).isEqualTo(Effect.Deny);
        assertThat(s.notAction()).isTrue();
        assertThat(s.actions()).containsExactly("codepipeline:Get*");
        assertThat(s.notResource()).isTrue();
        assertThat(s.resources()).containsExactly("arn:aws:s3:::b/*");
        assertThat(s.conditions()).containsExactly(
                new Condition(ConditionOperator.StringLike, true, null, "aws:ResourceTag/env", List.of("prod*", "7", "true")),
                new Condition(ConditionOperator.StringEquals, false, "ForAllValues", "aws:TagKeys", List.of("a")));
    }

    @Test
    void trustPoliciesNeedAPrincipalAndNoResource() {
        PolicyDocument trust = PolicyParser.parse("""
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"AWS": ["arn:aws:iam::000000000000:root"], "Service": "codebuild.amazonaws.com"}}]}""", PolicyParser.Kind.TRUST);
        assertThat(trust.statements().getFirst().principals()).isEqualTo(Map.of("AWS", List.of("arn:aws:iam::000000000000:root"),
                "Service", List.of("codebuild.amazonaws.com")));
        assertThat(PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Principal\": \"*\"}}",
                PolicyParser.Kind.TRUST).statements().getFirst().principals()).isEqualTo(Map.of("AWS", List.of("*")));
        assertThatThrownBy(() -> PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\"}}",
                PolicyParser.Kind.TRUST)).hasMessageContaining("Missing required field Principal");
        assertThatThrownBy(() -> PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", "
                + "\"Principal\": \"*\", \"Resource\": \"*\"}}", PolicyParser.Kind.TRUST)).hasMessageContaining("prohibited field Resource");
        assertThatThrownBy(() -> PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", "
                + "\"Principal\": {\"Robots\": \"x\"}}}", PolicyParser.Kind.TRUST)).hasMessageContaining("Invalid principal");
    }
}
