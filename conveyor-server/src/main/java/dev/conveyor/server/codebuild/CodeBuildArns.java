package dev.conveyor.server.codebuild;

/** CodeBuild's ARNs in this server's region and account, and the names inside them. */
public final class CodeBuildArns {
    private final String prefix;

    public CodeBuildArns(String region, String accountId) {
        this.prefix = "arn:aws:codebuild:" + region + ":" + accountId + ":";
    }

    public String project(String name) {
        return prefix + "project/" + name;
    }

    public String build(String buildId) {
        return prefix + "build/" + buildId;
    }

    public String reportGroup(String name) {
        return prefix + "report-group/" + name;
    }

    /** A report of a group in a build: {@code …:report/<group>:<build uuid>}. */
    public String report(String groupName, String buildId) {
        return prefix + "report/" + groupName + ":" + buildId.substring(buildId.indexOf(':') + 1);
    }

    /** The project name a name or project ARN stands for. */
    public static String projectName(String nameOrArn) {
        int at = nameOrArn.indexOf(":project/");
        return nameOrArn.startsWith("arn:") && at > 0 ? nameOrArn.substring(at + ":project/".length()) : nameOrArn;
    }

    /** The build id a build id or build ARN stands for. */
    public static String buildId(String idOrArn) {
        int at = idOrArn.indexOf(":build/");
        return idOrArn.startsWith("arn:") && at > 0 ? idOrArn.substring(at + ":build/".length()) : idOrArn;
    }

    /** The report group a buildspec's {@code reports} key names: an ARN as given, or {@code <project>-<name>}. */
    public String reportGroupOf(String projectName, String buildspecKey) {
        return buildspecKey.startsWith("arn:") ? buildspecKey : reportGroup(projectName + "-" + buildspecKey);
    }

    public static String reportGroupName(String arn) {
        int at = arn.indexOf(":report-group/");
        return at < 0 ? arn : arn.substring(at + ":report-group/".length());
    }
}
