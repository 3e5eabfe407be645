package dev.conveyor.audit;

/**
 * Who made a call, as CloudTrail's {@code userIdentity}: its type ({@code IAMUser}, {@code AssumedRole}, {@code Root},
 * {@code Unknown} for unsigned calls), ids, ARN and the user name LookupEvents' {@code Username} attribute matches.
 */
public record CallerIdentity(String type, String principalId, String arn, String accountId, String userName) {
    /** An unsigned request. */
    public static CallerIdentity anonymous() {
        return new CallerIdentity("Unknown", null, null, null, "anonymous");
    }

    /** The account itself: requests signed with keys no IAM user or role session holds (accepted until enforcement is on). */
    public static CallerIdentity root(String accountId) {
        return new CallerIdentity("Root", accountId, "arn:aws:iam::" + accountId + ":root", accountId, "root");
    }
}
