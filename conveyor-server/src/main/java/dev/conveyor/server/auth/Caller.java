package dev.conveyor.server.auth;

import dev.conveyor.iam.identity.Principal;

/**
 * Who made a request: the access key id it was signed with ("anonymous" when unsigned), the IAM principal behind
 * that key once its signature verified (null for anonymous callers, job credentials and the open {@code --auth none}
 * mode) and, for the temporary credentials of a job, what that job may touch.
 */
public record Caller(String accessKeyId, JobScope jobScope, Principal principal) {
    public static final Caller ANONYMOUS = new Caller("anonymous");
    /**
     * An unsigned S3 request while authentication is enforced: its principal is {@link Principal.Anonymous}, which
     * only a bucket policy allowing {@code "*"} lets do anything.
     */
    public static final Caller UNSIGNED = new Caller("anonymous", null, Principal.Anonymous.INSTANCE);

    public Caller(String accessKeyId) {
        this(accessKeyId, null, null);
    }

    public Caller(String accessKeyId, JobScope jobScope) {
        this(accessKeyId, jobScope, null);
    }

    /** A caller whose signature verified with the key of {@code principal}. */
    public static Caller authenticated(String accessKeyId, Principal principal) {
        return new Caller(accessKeyId, null, principal);
    }

    /**
     * Who this is as CodePipeline reports it (lastUpdatedBy, lastChangedBy, trigger details): the principal's ARN
     * when it is known, else an IAM-style ARN of the access key (open mode, job credentials).
     */
    /**
     * The name CodeBuild reports as a build's initiator: the user's name, {@code role/session} for a role session,
     * else the access key id.
     */
    public String initiator() {
        return switch (principal) {
            case Principal.User u -> u.userName();
            case Principal.AssumedRole r -> r.roleName() + "/" + r.sessionName();
            case null, default -> accessKeyId;
        };
    }

    public String arn(String accountId) {
        return principal != null ? principal.arn() : "arn:aws:iam::" + accountId + ":user/" + accessKeyId;
    }
}
