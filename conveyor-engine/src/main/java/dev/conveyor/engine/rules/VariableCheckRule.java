package dev.conveyor.engine.rules;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The VariableCheck rule: compares the resolved {@code Variable} (a reference such as
 * {@code #{SourceVariables.BranchName}}, resolved before the rule runs) with {@code Value} by {@code Operator}: EQ, NE,
 * CONTAINS (the variable contains the value) or MATCHES (the variable matches the value as a regular expression).
 */
public final class VariableCheckRule implements RuleProvider {
    @Override
    public String provider() {
        return "VariableCheck";
    }

    @Override
    public boolean evaluatesInline() {
        return true;
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) {
        String variable = run.configuration().get("Variable");
        String value = run.configuration().get("Value");
        String operator = run.configuration().get("Operator");
        if (variable == null || value == null || operator == null) {
            return RuleOutcome.configurationError("VariableCheck needs Variable, Value and Operator");
        }
        boolean holds;
        switch (operator) {
            case "EQ" -> holds = variable.equals(value);
            case "NE" -> holds = !variable.equals(value);
            case "CONTAINS" -> holds = variable.contains(value);
            case "MATCHES" -> {
                try {
                    holds = Pattern.compile(value).matcher(variable).matches();
                } catch (PatternSyntaxException e) {
                    return RuleOutcome.configurationError("Value '" + value + "' is not a valid regular expression: "
                            + e.getDescription());
                }
            }
            default -> {
                return RuleOutcome.configurationError("Operator '" + operator + "' is not one of EQ, NE, CONTAINS, MATCHES");
            }
        }
        String statement = "'" + variable + "' " + operator + " '" + value + "'";
        return holds ? RuleOutcome.succeeded("Variable check passed: " + statement)
                : RuleOutcome.failed("Variable check failed: " + statement + " is false");
    }
}
