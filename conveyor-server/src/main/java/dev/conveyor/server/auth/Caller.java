package dev.conveyor.server.auth;

/**
 * Who made a request: the access key id it was signed with ("anonymous" when unsigned) and, for the temporary
 * credentials of a job, what that job may touch.
 */
public record Caller(String accessKeyId, JobScope jobScope) {
    public static final Caller ANONYMOUS = new Caller("anonymous");

    public Caller(String accessKeyId) {
        this(accessKeyId, null);
    }

    /**
     * Who this is as CodePipeline reports it (lastUpdatedBy, lastChangedBy, trigger details): an IAM-style ARN of the
     * access key, for want of real identities.
     */
    public String arn(String accountId) {
        return "arn:aws:iam::" + accountId + ":user/" + accessKeyId;
    }
}
