package dev.conveyor.iam.api;

import dev.conveyor.iam.errors.ValidationErrorException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an operation's parameters and checks them against the constraints of botocore's iam and sts shapes
 * (required, length, pattern, range, enum), refusing with IAM's ValidationError message naming the member.
 */
final class Params {
    static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    static final Pattern PATH = Pattern.compile("(/)|(/[\\u0021-\\u007E]+/)");
    static final Pattern PATH_PREFIX = Pattern.compile("/[\\u0021-\\u007F]*");
    static final Pattern DOCUMENT = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    static final Pattern ACCESS_KEY_ID = Pattern.compile("[\\w]+");
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");

    private final Map<String, String> values;

    Params(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Refuses members Conveyor does not implement yet (tags, permissions boundaries, session policies) rather than
     * ignoring them: a caller relying on them must not be given more than it asked for.
     */
    void refuseUnsupported(String... members) {
        for (String member : members) {
            for (String name : values.keySet()) {
                if (name.equals(member) || name.startsWith(member + ".")) {
                    throw new ValidationErrorException("The parameter " + member + " is not supported by Conveyor yet.", member);
                }
            }
        }
    }

    String optional(String member) {
        return values.get(member);
    }

    String required(String member) {
        String value = values.get(member);
        if (value == null) {
            throw invalid(member, null, "Member must not be null");
        }
        return value;
    }

    /** A required string of {@code min}..{@code max} characters matching {@code pattern} (null: any). */
    String required(String member, int min, int max, Pattern pattern) {
        return check(member, required(member), min, max, pattern);
    }

    String optional(String member, int min, int max, Pattern pattern) {
        String value = values.get(member);
        return value == null ? null : check(member, value, min, max, pattern);
    }

    String optionalEnum(String member, Set<String> allowed) {
        String value = values.get(member);
        if (value != null && !allowed.contains(value)) {
            throw invalid(member, value, "Member must satisfy enum value set: " + allowed);
        }
        return value;
    }

    String requiredEnum(String member, Set<String> allowed) {
        required(member);
        return optionalEnum(member, allowed);
    }

    Integer optionalInt(String member, int min, int max) {
        String value = values.get(member);
        if (value == null) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ValidationErrorException("Value '" + value + "' for parameter " + member + " is invalid. It must be an integer.", member);
        }
        if (n < min) {
            throw invalid(member, value, "Member must have value greater than or equal to " + min);
        }
        if (n > max) {
            throw invalid(member, value, "Member must have value less than or equal to " + max);
        }
        return n;
    }

    boolean optionalBoolean(String member) {
        String value = values.get(member);
        if (value == null) {
            return false;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ValidationErrorException("Value '" + value + "' for parameter " + member + " is invalid. It must be true or false.", member);
        }
        return Boolean.parseBoolean(value);
    }

    private static String check(String member, String value, int min, int max, Pattern pattern) {
        if (value.length() < min) {
            throw invalid(member, value, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw invalid(member, value, "Member must have length less than or equal to " + max);
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            throw invalid(member, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return value;
    }

    /** IAM's message: {@code 1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: …}. */
    static ValidationErrorException invalid(String member, String value, String constraint) {
        String shown = value == null ? "null" : "'" + (value.length() > 256 ? value.substring(0, 256) + "…" : value) + "'";
        return new ValidationErrorException("1 validation error detected: Value " + shown + " at '"
                + Character.toLowerCase(member.charAt(0)) + member.substring(1) + "' failed to satisfy constraint: " + constraint, member);
    }
}
