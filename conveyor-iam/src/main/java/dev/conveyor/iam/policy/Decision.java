package dev.conveyor.iam.policy;

/**
 * The answer to a request: allowed, denied by a statement (explicit deny), or denied because nothing allowed it
 * (implicit deny). {@code policy} and {@code sid} name the deciding statement when there is one;
 * {@code resourceBased} says whether that statement is in a resource-based policy (a bucket policy).
 */
public record Decision(Outcome outcome, String policy, String sid, String reason, boolean resourceBased) {
    public enum Outcome { ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY }

    public Decision(Outcome outcome, String policy, String sid, String reason) {
        this(outcome, policy, sid, reason, false);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    /**
     * The message AWS gives a refused caller: {@code User: <arn> is not authorized to perform: <action> on resource:
     * <resource> because no identity-based policy allows the <action> action} (or {@code with an explicit deny in an
     * identity-based policy}, {@code with an explicit deny in a resource-based policy}).
     */
    public String denialMessage(String principalArn, AuthorizationRequest request) {
        String why = outcome == Outcome.EXPLICIT_DENY
                ? "with an explicit deny in " + (resourceBased ? "a resource-based policy" : "an identity-based policy")
                : "because no identity-based policy allows the " + request.action() + " action";
        return "User: " + principalArn + " is not authorized to perform: " + request.action() + " on resource: " + request.resource()
                + " " + why;
    }
}
