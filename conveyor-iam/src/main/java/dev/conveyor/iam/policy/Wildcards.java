package dev.conveyor.iam.policy;

/**
 * IAM's glob matching: {@code *} matches any run of characters (none included), {@code ?} exactly one; everything
 * else literally. Used for actions (case-insensitive), resource ARN segments and StringLike/ArnLike values.
 */
public final class Wildcards {
    private Wildcards() {
    }

    public static boolean matches(String pattern, String value, boolean ignoreCase) {
        if (ignoreCase) {
            pattern = pattern.toLowerCase(java.util.Locale.ROOT);
            value = value.toLowerCase(java.util.Locale.ROOT);
        }
        // Iterative glob with backtracking to the last star: linear in practice, no regex (patterns come from users).
        int p = 0, v = 0, star = -1, starValue = 0;
        while (v < value.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starValue = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++starValue;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * Matches an ARN against an ARN pattern segment by segment (partition, service, region, account, resource), so
     * that a wildcard in one segment does not run into the next; the resource part (the sixth) may hold colons and
     * slashes, which its wildcards do cross ({@code arn:aws:s3:::bucket/*} matches every object). {@code *} alone
     * matches everything.
     */
    public static boolean matchesArn(String pattern, String arn) {
        if ("*".equals(pattern)) {
            return true;
        }
        String[] p = pattern.split(":", 6);
        String[] a = arn.split(":", 6);
        if (p.length != 6 || a.length != 6) {
            return matches(pattern, arn, false);
        }
        for (int i = 0; i < 6; i++) {
            if (!matches(p[i], a[i], false)) {
                return false;
            }
        }
        return true;
    }
}
