package dev.conveyor.providers.codebuild;

import java.util.regex.Pattern;

/**
 * A buildspec file pattern, matched against paths relative to a base directory with {@code /} separators:
 * {@code *} and {@code ?} stay within one directory, {@code **} spans directories ({@code **}{@code /*} is every
 * file, top level included), {@code {a,b}} and {@code [abc]} as in shells. A leading {@code ./} is ignored.
 */
public final class PathGlob {
    private final String pattern;
    private final Pattern regex;

    private PathGlob(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    public static PathGlob of(String pattern) {
        String p = pattern.strip();
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return new PathGlob(pattern, Pattern.compile(toRegex(p)));
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }

    /** Whether the pattern has no wildcard: it names one path. */
    public boolean literal() {
        return pattern.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    static String toRegex(String glob) {
        StringBuilder out = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        boolean slashFollows = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                        out.append(slashFollows ? "(?:[^/]*/)*" : ".*");
                        i += slashFollows ? 2 : 1;
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '{' -> {
                    out.append("(?:");
                    inGroup = true;
                }
                case '}' -> {
                    out.append(inGroup ? ")" : "\\}");
                    inGroup = false;
                }
                case ',' -> out.append(inGroup ? "|" : ",");
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        out.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close);
                        if (body.startsWith("!")) {
                            body = "^" + body.substring(1);
                        }
                        out.append('[').append(body.replace("\\", "\\\\")).append(']');
                        i = close;
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
