package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.LimitExceededException;
import dev.conveyor.iam.errors.MalformedPolicyDocumentException;
import dev.conveyor.iam.policy.MalformedPolicyException;
import dev.conveyor.iam.policy.PolicyDocument;
import dev.conveyor.iam.policy.PolicyParser;

/** Checks a policy document given to an operation: valid as a policy, within IAM's size quota (whitespace not counted). */
final class PolicyDocuments {
    static final int MANAGED_POLICY_SIZE = 6144;
    static final int USER_INLINE_POLICIES_SIZE = 2048;
    static final int TRUST_POLICY_SIZE = 2048;

    private PolicyDocuments() {
    }

    static PolicyDocument parse(String document, PolicyParser.Kind kind, String member) {
        try {
            return PolicyParser.parse(document, kind);
        } catch (MalformedPolicyException e) {
            throw new MalformedPolicyDocumentException(e.getMessage(), member);
        }
    }

    static void checkSize(int size, int quota, String quotaName) {
        if (size > quota) {
            throw new LimitExceededException("Cannot exceed quota for " + quotaName + ": " + quota);
        }
    }

    /** The size IAM counts: characters other than whitespace. */
    static int size(String document) {
        return (int) document.chars().filter(c -> !Character.isWhitespace(c)).count();
    }
}
