package dev.conveyor.iam.policy;

import java.util.List;

/**
 * A parsed policy document. {@code version} is "2012-10-17" or "2008-10-17" (policy variables are substituted only
 * under the former, as in IAM).
 */
public record PolicyDocument(String version, List<Statement> statements) {
    public static final String CURRENT_VERSION = "2012-10-17";

    public PolicyDocument {
        statements = List.copyOf(statements);
    }

    boolean substitutesVariables() {
        return CURRENT_VERSION.equals(version);
    }
}
