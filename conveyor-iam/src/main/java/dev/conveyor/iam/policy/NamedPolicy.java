package dev.conveyor.iam.policy;

/** A policy that applies to a principal, with the name a decision's reason cites (a managed policy's ARN, or an inline policy's name). */
public record NamedPolicy(String name, PolicyDocument document) {
}
