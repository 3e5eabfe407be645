package dev.conveyor.audit;

/**
 * Maps the access key id a request was signed with to its owner. Called on the audit writer's thread, never on the
 * request path, so a lookup in the IAM tables costs requests nothing.
 */
@FunctionalInterface
public interface IdentityResolver {
    CallerIdentity resolve(String accessKeyId);
}
