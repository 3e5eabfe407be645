package dev.conveyor.iam.identity;

/** The ARNs of IAM's entities in an account, as IAM writes them ({@code path} starts and ends with a slash). */
public record Names(String accountId) {
    public String user(String path, String name) {
        return "arn:aws:iam::" + accountId + ":user" + path + name;
    }

    public String role(String path, String name) {
        return "arn:aws:iam::" + accountId + ":role" + path + name;
    }

    public String policy(String path, String name) {
        return "arn:aws:iam::" + accountId + ":policy" + path + name;
    }

    /** The ARN of an AWS managed policy (account {@code aws}). */
    public static String awsManagedPolicy(String name) {
        return "arn:aws:iam::aws:policy/" + name;
    }

    public String root() {
        return "arn:aws:iam::" + accountId + ":root";
    }
}
