package dev.conveyor.iam.policy;

/**
 * IAM's glob matching: {@code *} matches any run of characters (none included), {@code ?} exactly one; everything
 * else literally. Used for actions (case-insensitive), resource ARN segments and StringLike/ArnLike values.
 */
public final class Wildcards {
    /** In a pattern, a {@code *} that matches only a {@code *} (put there by a policy variable; private-use code point). */
    static final char LITERAL_STAR = '\uE000';
    /** In a pattern, a {@code ?} that matches only a {@code ?}. */
    static final char LITERAL_QUESTION = '\uE001';

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
            if (p < pattern.length() && (pattern.charAt(p) == '?' || same(pattern.charAt(p), value.charAt(v)))) {
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

    /** A substituted value back as plain text, for operators that compare rather than match patterns. */
    static String plain(String substituted) {
        return substituted.replace(LITERAL_STAR, '*').replace(LITERAL_QUESTION, '?');
    }

    private static boolean same(char patternChar, char valueChar) {
        return patternChar == valueChar || (patternChar == LITERAL_STAR && valueChar == '*')
                || (patternChar == LITERAL_QUESTION && valueChar == '?');
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
