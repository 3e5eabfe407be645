package dev.conveyor.model.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code #{namespace.key}} reference inside a configuration value or a command. The namespace follows the
 * model's ActionNamespace pattern and ends at the first dot; the key runs to the closing brace, since output
 * variable keys (CloudFormation outputs, exported shell variables) are free-form.
 */
public record VariableReference(String namespace, String key) {
    /** The namespace of the variables CodePipeline provides for every execution. */
    public static final String CODEPIPELINE = "codepipeline";
    /** The namespace of pipeline-level variables. */
    public static final String PIPELINE_VARIABLES = "variables";

    /** A reference in text; group 1 is the namespace, group 2 the key. */
    public static final Pattern REFERENCE = Pattern.compile("#\\{([A-Za-z0-9@\\-_]+)\\.([^}]+)}");

    /** Every reference in {@code text}, in order; none for null. */
    public static List<VariableReference> findIn(String text) {
        List<VariableReference> references = new ArrayList<>();
        if (text == null) {
            return references;
        }
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            references.add(new VariableReference(matcher.group(1), matcher.group(2)));
        }
        return references;
    }

    @Override
    public String toString() {
        return "#{" + namespace + "." + key + "}";
    }
}
