package dev.conveyor.iam.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Substitutes policy variables ({@code ${aws:username}}, {@code ${aws:ResourceTag/team}}) in resources and
 * condition values from the request's context; {@code ${*}}, {@code ${?}} and {@code ${$}} stand for the literal
 * characters. A variable the request lacks, or that has several values, makes the element not match (empty), as in IAM.
 * What a variable puts in is literal even where the result is a pattern: its {@code *} and {@code ?} are written as
 * {@link Wildcards#LITERAL_STAR} and {@link Wildcards#LITERAL_QUESTION}, which match only themselves.
 */
final class PolicyVariables {
    private PolicyVariables() {
    }

    static Optional<String> substitute(String text, Map<String, List<String>> context) {
        int start = text.indexOf("${");
        if (start < 0) {
            return Optional.of(text);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start);
            if (end < 0) {
                break;
            }
            out.append(text, from, start);
            String name = text.substring(start + 2, end).trim();
            switch (name) {
                case "*", "?", "$" -> out.append(literal(name));
                default -> {
                    List<String> values = context.get(name);
                    if (values == null || values.size() != 1) {
                        return Optional.empty();
                    }
                    out.append(literal(values.getFirst()));
                }
            }
            from = end + 1;
            start = text.indexOf("${", from);
        }
        out.append(text.substring(from));
        return Optional.of(out.toString());
    }

    private static String literal(String value) {
        return value.replace('*', Wildcards.LITERAL_STAR).replace('?', Wildcards.LITERAL_QUESTION);
    }
}
