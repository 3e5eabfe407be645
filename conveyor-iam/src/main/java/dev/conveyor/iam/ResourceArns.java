package dev.conveyor.iam;

/**
 * The ARNs policies name Conveyor's resources by, as AWS scopes the matching actions: a pipeline, and
 * {@code pipeline/stage/action} for PutApprovalResult; custom action types; webhooks; CodeBuild projects; buckets
 * and objects; secrets (SSM parameters and Secrets Manager secrets); CodeDeploy deployment groups.
 */
public record ResourceArns(String region, String accountId) {
    public String pipeline(String name) {
        return "arn:aws:codepipeline:" + region + ":" + accountId + ":" + name;
    }

    /** What PutApprovalResult is authorized on: the approval action within its stage and pipeline. */
    public String action(String pipeline, String stage, String action) {
        return pipeline(pipeline) + "/" + stage + "/" + action;
    }

    public String actionType(String owner, String category, String provider, String version) {
        return "arn:aws:codepipeline:" + region + ":" + accountId + ":actiontype:" + owner + "/" + category + "/" + provider + "/" + version;
    }

    public String webhook(String name) {
        return "arn:aws:codepipeline:" + region + ":" + accountId + ":webhook:" + name;
    }

    public String codeBuildProject(String name) {
        return "arn:aws:codebuild:" + region + ":" + accountId + ":project/" + name;
    }

    public static String bucket(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    public static String object(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }

    /** An SSM parameter: {@code /a/b} is {@code parameter/a/b}, {@code a} is {@code parameter/a}. */
    public String parameter(String name) {
        return "arn:aws:ssm:" + region + ":" + accountId + ":parameter/" + (name.startsWith("/") ? name.substring(1) : name);
    }

    /** A Secrets Manager secret by its full ARN's resource part ({@code name-AbCdEf}). */
    public String secret(String nameWithSuffix) {
        return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + nameWithSuffix;
    }

    public String deploymentGroup(String application, String group) {
        return "arn:aws:codedeploy:" + region + ":" + accountId + ":deploymentgroup:" + application + "/" + group;
    }
}
