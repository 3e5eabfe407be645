package dev.conveyor.iam.policy;

import java.util.List;
import java.util.Map;

/**
 * Whether a role's trust policy lets a caller assume it: the statements whose Principal names the caller (its ARN,
 * its account's root ARN or id, or {@code *}) are evaluated for {@code sts:AssumeRole} on the role, with the usual
 * precedence (an explicit deny wins, nothing matching denies).
 */
public final class TrustPolicies {
    private TrustPolicies() {
    }

    public static Decision evaluate(PolicyDocument trust, String callerArn, String callerAccountId, String roleArn,
                                    Map<String, List<String>> context) {
        List<String> names = List.of("*", callerArn, "arn:aws:iam::" + callerAccountId + ":root", callerAccountId);
        List<Statement> naming = trust.statements().stream()
                .filter(s -> s.principals().getOrDefault("AWS", List.of()).stream().anyMatch(names::contains)).toList();
        return PolicyEvaluator.evaluate(List.of(new NamedPolicy("trust policy of " + roleArn, new PolicyDocument(trust.version(), naming))),
                new AuthorizationRequest("sts:AssumeRole", roleArn, context));
    }

    /**
     * Whether the trust policy lets the service {@code service} (e.g. {@code codepipeline.amazonaws.com}) assume the
     * role, with the request's context keys (what the service acts for: {@code aws:SourceAccount}, {@code
     * aws:SourceArn}, which trust policies' conditions often name).
     */
    public static Decision evaluateService(PolicyDocument trust, String service, String roleArn, Map<String, List<String>> context) {
        List<Statement> naming = trust.statements().stream()
                .filter(s -> s.principals().getOrDefault("Service", List.of()).contains(service)
                        || s.principals().getOrDefault("AWS", List.of()).contains("*")).toList();
        return PolicyEvaluator.evaluate(List.of(new NamedPolicy("trust policy of " + roleArn, new PolicyDocument(trust.version(), naming))),
                new AuthorizationRequest("sts:AssumeRole", roleArn, context));
    }
}
