package dev.conveyor.iam.store;

/** One of a user's inline policies. */
public record InlinePolicyRow(String userName, String policyName, String document) {
}
