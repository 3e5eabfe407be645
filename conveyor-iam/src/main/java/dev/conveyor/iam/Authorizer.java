package dev.conveyor.iam;

import dev.conveyor.iam.errors.AccessDeniedException;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.iam.policy.NamedPolicy;
import dev.conveyor.iam.policy.PolicyEvaluator;
import dev.conveyor.iam.policy.PolicyParser;
import dev.conveyor.iam.store.PolicyRepository;
import dev.conveyor.iam.store.RoleRepository;
import dev.conveyor.iam.store.UserRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a principal may do what a request asks: the principal's identity-based policies (a user's attached and
 * inline policies; an assumed role's attached policies) evaluated by {@link PolicyEvaluator}. The account itself
 * (root) is allowed everything. The principal's own context keys ({@code aws:username}, {@code aws:userid},
 * {@code aws:PrincipalArn}, {@code aws:PrincipalAccount}, {@code aws:PrincipalType}) are added to the request's,
 * so policy variables such as {@code ${aws:username}} work.
 *
 * <p>A principal's policies and its role's ARN come through the {@link IdentityCache}, so a request reads none of
 * IAM's tables once its principal has been seen (and every IAM change is seen at once). So do the Allows of a
 * principal whose policies have no condition and no policy variable: a request allowed once is allowed again without
 * evaluating them, until IAM changes.
 *
 * <p>With a resource-based policy (a bucket policy), the two are evaluated together as IAM does within one account
 * ({@link PolicyEvaluator#evaluate(List, List, PolicyEvaluator.PrincipalMatcher, AuthorizationRequest)}). An
 * anonymous caller has no identity-based policies: only a resource-based policy naming {@code "*"} grants it
 * anything.
 */
public final class Authorizer {
    private final UserRepository users;
    private final RoleRepository roles;
    private final PolicyRepository policies;
    /** Parsed documents by their text: the documents are read on every request (so a change applies at once), parsed once. */
    private final java.util.concurrent.ConcurrentHashMap<String, dev.conveyor.iam.policy.PolicyDocument> parsed =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final dev.conveyor.iam.identity.IdentityCache cache;

    public Authorizer(UserRepository users, RoleRepository roles, PolicyRepository policies, dev.conveyor.iam.identity.IdentityCache cache) {
        this.cache = cache;
        this.users = users;
        this.roles = roles;
        this.policies = policies;
    }

    public Decision authorize(Principal principal, AuthorizationRequest request) {
        return authorize(principal, request, List.of());
    }

    /**
     * {@code principal}'s identity-based policies and the resource's {@code resourcePolicies} together: an explicit
     * Deny in either wins, else an Allow in either grants. The account's root is allowed everything a resource
     * policy does not explicitly deny it.
     */
    public Decision authorize(Principal principal, AuthorizationRequest request, List<NamedPolicy> resourcePolicies) {
        if (principal instanceof Principal.Account) {
            if (resourcePolicies.isEmpty()) {
                return new Decision(Decision.Outcome.ALLOWED, null, null, "the account's root is allowed everything");
            }
            Decision resource = PolicyEvaluator.evaluate(List.of(), resourcePolicies, matcher(principal),
                    request.withContext(principalContext(principal)));
            return resource.outcome() == Decision.Outcome.EXPLICIT_DENY ? resource
                    : new Decision(Decision.Outcome.ALLOWED, null, null, "the account's root is allowed everything");
        }
        if (resourcePolicies.isEmpty()) {
            // An Allow is kept only when the policies decide by action and resource alone; a kept one is answered
            // without looking at the policies again (any IAM change empties what is kept).
            return cache.allowed(principal.arn(), request.action(), request.resource(),
                    () -> PolicyEvaluator.evaluate(policiesOf(principal), request.withContext(principalContext(principal))),
                    decision -> decision.allowed() && decidedByActionAndResource(principal));
        }
        return PolicyEvaluator.evaluate(policiesOf(principal), resourcePolicies, matcher(principal),
                request.withContext(principalContext(principal)));
    }

    /**
     * Whether a resource-based policy's {@code "AWS"} principal value names {@code principal}: its user ARN; its
     * role's ARN or its assumed-role session ARN; the account (id or root ARN) names the root for an Allow and
     * every principal of the account for a Deny. An anonymous caller is named only by {@code "*"}.
     */
    private PolicyEvaluator.PrincipalMatcher matcher(Principal principal) {
        return (value, effect) -> {
            if (principal instanceof Principal.Anonymous) {
                return false;
            }
            boolean account = value.equals(principal.accountId()) || value.equals("arn:aws:iam::" + principal.accountId() + ":root");
            if (account) {
                return principal instanceof Principal.Account || effect == dev.conveyor.iam.policy.Effect.Deny;
            }
            return switch (principal) {
                case Principal.User u -> value.equals(u.arn());
                case Principal.AssumedRole r -> value.equals(r.arn()) || value.equals(roleArn(r));
                case Principal.Account a -> false;
                case Principal.Anonymous a -> false;
            };
        };
    }

    /** A role's ARN (with its path), as {@code aws:PrincipalArn} and resource policies name a role session's role. */
    private String roleArn(Principal.AssumedRole r) {
        return cache.derived("role-arn:" + r.roleName(), () -> roles.find(r.roleName())
                .map(dev.conveyor.iam.store.RoleRow::arn).orElse("arn:aws:iam::" + r.accountId() + ":role/" + r.roleName()));
    }

    /**
     * Whether {@code principal}'s policies decide a request by its action and resource alone: none has a Condition or
     * a policy variable ({@code ${aws:username}}), the only ways IAM reads a request's context. Then an Allow is kept
     * per (principal, action, resource) until IAM changes, rather than the policies evaluated over the merged context
     * on every request (issue 20: 8 % of GetPipeline's CPU). Conservative: any mention of either, even in a name,
     * evaluates every time.
     */
    private boolean decidedByActionAndResource(Principal principal) {
        return !policiesMention(principal, "condition") && !policiesMention(principal, "${");
    }

    /** As {@link #authorize}, throwing AccessDenied with AWS's message when refused. */
    public void requireAllowed(Principal principal, AuthorizationRequest request) {
        Decision decision = authorize(principal, request);
        if (!decision.allowed()) {
            throw new AccessDeniedException(decision.denialMessage(principal.arn(), request));
        }
    }

    private List<NamedPolicy> policiesOf(Principal principal) {
        return cache.derived("policies:" + principal.arn(), () -> List.copyOf(loadPolicies(principal)));
    }

    /**
     * Whether any policy of {@code principal} mentions {@code text}, ignoring case as IAM does for condition keys
     * (e.g. {@code aws:ResourceTag/}): lets callers skip looking up context no policy can use.
     */
    public boolean policiesMention(Principal principal, String text) {
        if (principal instanceof Principal.Account || principal instanceof Principal.Anonymous) {
            return false;
        }
        return cache.derived("mentions:" + text + ":" + principal.arn(), () -> {
            List<String> attached = switch (principal) {
                case Principal.User u -> users.attachedPolicies(u.userName());
                case Principal.AssumedRole r -> roles.attachedPolicies(r.roleName());
                case Principal.Account a -> List.of();
                case Principal.Anonymous a -> List.of();
            };
            String wanted = text.toLowerCase(java.util.Locale.ROOT);
            boolean found = policies.defaultVersions(attached).stream()
                    .anyMatch(v -> v.document().toLowerCase(java.util.Locale.ROOT).contains(wanted));
            if (!found && principal instanceof Principal.User u) {
                found = users.inlinePolicies(u.userName()).stream()
                        .anyMatch(p -> p.document().toLowerCase(java.util.Locale.ROOT).contains(wanted));
            }
            return found;
        });
    }

    private List<NamedPolicy> loadPolicies(Principal principal) {
        List<NamedPolicy> result = new ArrayList<>();
        List<String> attached = switch (principal) {
            case Principal.User u -> users.attachedPolicies(u.userName());
            case Principal.AssumedRole r -> roles.attachedPolicies(r.roleName());
            case Principal.Account a -> List.of();
            case Principal.Anonymous a -> List.of();
        };
        for (var version : policies.defaultVersions(attached)) {
            result.add(new NamedPolicy(version.policyArn(), parse(version.document())));
        }
        if (principal instanceof Principal.User u) {
            for (var inline : users.inlinePolicies(u.userName())) {
                result.add(new NamedPolicy(inline.policyName(), parse(inline.document())));
            }
        }
        return result;
    }

    private dev.conveyor.iam.policy.PolicyDocument parse(String document) {
        dev.conveyor.iam.policy.PolicyDocument known = parsed.get(document);
        if (known == null) {
            known = PolicyParser.parse(document, PolicyParser.Kind.IDENTITY);
            if (parsed.size() >= 10_000) {
                parsed.clear();
            }
            parsed.put(document, known);
        }
        return known;
    }

    private Map<String, List<String>> principalContext(Principal principal) {
        Map<String, List<String>> context = new HashMap<>();
        context.put("aws:userid", List.of(principal.userId()));
        context.put("aws:PrincipalAccount", List.of(principal.accountId()));
        switch (principal) {
            case Principal.User u -> {
                context.put("aws:username", List.of(u.userName()));
                context.put("aws:PrincipalArn", List.of(u.arn()));
                context.put("aws:PrincipalType", List.of("User"));
            }
            case Principal.AssumedRole r -> {
                // As in AWS, a session's aws:PrincipalArn is its role's ARN (with its path), not the assumed-role ARN.
                context.put("aws:PrincipalArn", List.of(roleArn(r)));
                context.put("aws:PrincipalType", List.of("AssumedRole"));
            }
            case Principal.Account a -> {
                context.put("aws:PrincipalArn", List.of(a.arn()));
                context.put("aws:PrincipalType", List.of("Account"));
            }
            case Principal.Anonymous a -> {
                context.remove("aws:userid");
                context.remove("aws:PrincipalAccount");
                context.put("aws:PrincipalType", List.of("Anonymous"));
            }
        }
        return context;
    }
}
