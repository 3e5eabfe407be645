package dev.conveyor.iam.policy;

import java.util.List;
import java.util.Optional;

/**
 * IAM's evaluation of identity-based policies: a request is allowed when some statement allows it and none denies
 * it. An explicit Deny always wins, and with no matching statement the answer is the implicit (default) deny.
 *
 * <p>A statement matches when its Action (or, for NotAction, none of its actions) matches the request's action,
 * case-insensitively with {@code *} and {@code ?}; when its Resource (or, for NotResource, none of its resources)
 * matches the request's resource ARN segment by segment; and when every one of its conditions holds.
 */
public final class PolicyEvaluator {
    private PolicyEvaluator() {
    }

    public static Decision evaluate(List<NamedPolicy> policies, AuthorizationRequest request) {
        Decision allow = null;
        for (NamedPolicy policy : policies) {
            for (Statement statement : policy.document().statements()) {
                if (!matches(statement, policy.document(), request)) {
                    continue;
                }
                String cited = "statement " + (statement.sid() == null ? "(no Sid)" : statement.sid()) + " of policy " + policy.name();
                if (statement.effect() == Effect.Deny) {
                    return new Decision(Decision.Outcome.EXPLICIT_DENY, policy.name(), statement.sid(), "explicitly denied by " + cited);
                }
                if (allow == null) {
                    allow = new Decision(Decision.Outcome.ALLOWED, policy.name(), statement.sid(), "allowed by " + cited);
                }
            }
        }
        return allow != null ? allow
                : new Decision(Decision.Outcome.IMPLICIT_DENY, null, null, "no statement allows " + request.action() + " on " + request.resource());
    }

    /**
     * Who a resource-based policy's {@code Principal} names: whether the requester is {@code value} (an ARN or an
     * account id of the {@code "AWS"} principal type; {@code "*"} is handled by the evaluator) for a statement of
     * {@code effect}.
     */
    @FunctionalInterface
    public interface PrincipalMatcher {
        boolean matches(String value, Effect effect);
    }

    /**
     * Identity-based and resource-based policies together, as IAM evaluates a request within one account: an
     * explicit Deny in either wins; otherwise an Allow in either grants (a resource-based policy's Allow needs no
     * identity-based Allow); otherwise the implicit deny. A resource-based statement applies only when its
     * {@code Principal} names the requester ({@code "*"}, or {@code {"AWS": [...]}} as {@code principal} decides);
     * other principal types (Service, CanonicalUser, Federated) never match a Conveyor caller.
     */
    public static Decision evaluate(List<NamedPolicy> identityPolicies, List<NamedPolicy> resourcePolicies, PrincipalMatcher principal,
                                    AuthorizationRequest request) {
        Decision resourceAllow = null;
        for (NamedPolicy policy : resourcePolicies) {
            for (Statement statement : policy.document().statements()) {
                if (!namesPrincipal(statement, principal) || !matches(statement, policy.document(), request)) {
                    continue;
                }
                String cited = "statement " + (statement.sid() == null ? "(no Sid)" : statement.sid()) + " of " + policy.name();
                if (statement.effect() == Effect.Deny) {
                    return new Decision(Decision.Outcome.EXPLICIT_DENY, policy.name(), statement.sid(), "explicitly denied by " + cited, true);
                }
                if (resourceAllow == null) {
                    resourceAllow = new Decision(Decision.Outcome.ALLOWED, policy.name(), statement.sid(), "allowed by " + cited, true);
                }
            }
        }
        Decision identity = evaluate(identityPolicies, request);
        if (identity.outcome() == Decision.Outcome.EXPLICIT_DENY || identity.allowed() || resourceAllow == null) {
            return identity;
        }
        return resourceAllow;
    }

    private static boolean namesPrincipal(Statement statement, PrincipalMatcher principal) {
        List<String> aws = statement.principals().get("AWS");
        if (aws == null) {
            return false;
        }
        return aws.stream().anyMatch(value -> "*".equals(value) || principal.matches(value, statement.effect()));
    }

    static boolean matches(Statement statement, PolicyDocument document, AuthorizationRequest request) {
        boolean actionListed = statement.actions().stream().anyMatch(a -> Wildcards.matches(a, request.action(), true));
        if (actionListed == statement.notAction()) {
            return false;
        }
        if (!statement.resources().isEmpty()) {
            boolean resourceListed = statement.resources().stream()
                    .anyMatch(r -> variables(r, document, request).map(p -> Wildcards.matchesArn(p, request.resource())).orElse(false));
            if (resourceListed == statement.notResource()) {
                return false;
            }
        }
        return statement.conditions().stream().allMatch(c -> holds(c, document, request));
    }

    static boolean holds(Condition condition, PolicyDocument document, AuthorizationRequest request) {
        List<String> present = request.context().get(condition.key());
        boolean absent = present == null || present.isEmpty();
        ConditionOperator operator = condition.operator();
        if (operator == ConditionOperator.Null) {
            return condition.values().stream().anyMatch(v -> Boolean.parseBoolean(v) == absent);
        }
        if (absent) {
            // ForAllValues over no values holds vacuously; negated operators hold when there is nothing to match.
            return condition.ifExists() || operator.negated() || "ForAllValues".equals(condition.setQualifier());
        }
        List<String> policyValues = condition.values().stream().flatMap(v -> variables(v, document, request).stream())
                .map(v -> operator.matchesPatterns() ? v : Wildcards.plain(v)).toList();
        if ("ForAllValues".equals(condition.setQualifier())) {
            return present.stream().allMatch(requestValue -> anyMatches(operator, requestValue, policyValues) != operator.negated());
        }
        boolean anyMatch = present.stream().anyMatch(requestValue -> anyMatches(operator, requestValue, policyValues));
        return anyMatch != operator.negated();
    }

    private static boolean anyMatches(ConditionOperator operator, String requestValue, List<String> policyValues) {
        return policyValues.stream().anyMatch(p -> operator.test(requestValue, p));
    }

    private static Optional<String> variables(String text, PolicyDocument document, AuthorizationRequest request) {
        return document.substitutesVariables() ? PolicyVariables.substitute(text, request.context()) : Optional.of(text);
    }
}
