package dev.conveyor.functions;

import dev.conveyor.functions.errors.InvalidParameterValueException;
import dev.conveyor.functions.runtime.Launcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a function's settings against the Lambda API's constraints (botocore's {@code lambda} model) and Conveyor's
 * runtimes. Every problem is reported at once, in one {@link InvalidParameterValueException} naming the first field.
 */
final class FunctionValidator {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Pattern ROLE = Pattern.compile("arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final Pattern HANDLER = Pattern.compile("[^\\s]{1,128}");
    private static final Pattern VARIABLE = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])+");
    /** Variables Lambda sets itself and refuses in a function's environment. */
    private static final Set<String> RESERVED = Set.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
            "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR");
    private static final int MAX_ENVIRONMENT_BYTES = 4096;

    private record Violation(String field, String message) {
    }

    private FunctionValidator() {
    }

    /** A complete function's settings (after defaults), for CreateFunction and UpdateFunctionConfiguration alike. */
    static void validate(String name, String runtime, String role, String handler, String description, int timeout, int memorySize,
                         Map<String, String> environment) {
        List<Violation> violations = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            violations.add(new Violation("FunctionName", "1 validation error detected: Value '" + name
                    + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}"));
        }
        if (runtime == null || !Launcher.RUNTIMES.contains(runtime)) {
            violations.add(new Violation("Runtime", "The runtime parameter of " + runtime
                    + " is not supported by Conveyor. Supported runtimes: " + String.join(", ", Launcher.RUNTIMES.stream().sorted().toList())));
        }
        if (role == null || !ROLE.matcher(role).matches()) {
            violations.add(new Violation("Role", "1 validation error detected: Value '" + role
                    + "' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"));
        }
        if (handler == null ? runtime != null && !Launcher.HANDLER_OPTIONAL.contains(runtime) : !HANDLER.matcher(handler).matches()) {
            violations.add(new Violation("Handler", handler == null ? "A handler is required for runtime " + runtime
                    : "1 validation error detected: Value '" + handler + "' at 'handler' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [^\\s]+ and have length at most 128"));
        }
        if (description != null && description.length() > 256) {
            violations.add(new Violation("Description", "Description must have length at most 256"));
        }
        if (timeout < 1 || timeout > 900) {
            violations.add(new Violation("Timeout", "1 validation error detected: Value '" + timeout
                    + "' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900"));
        }
        if (memorySize < 128 || memorySize > 10240) {
            violations.add(new Violation("MemorySize", "'MemorySize' value failed to satisfy constraint: Member must have value "
                    + "greater than or equal to 128 and less than or equal to 10240"));
        }
        checkEnvironment(environment, violations);
        if (!violations.isEmpty()) {
            throw new InvalidParameterValueException(String.join("; ", violations.stream().map(Violation::message).toList()),
                    violations.getFirst().field());
        }
    }

    private static void checkEnvironment(Map<String, String> environment, List<Violation> violations) {
        List<String> reserved = new ArrayList<>();
        int size = 0;
        for (var variable : environment.entrySet()) {
            if (RESERVED.contains(variable.getKey())) {
                reserved.add(variable.getKey());
            } else if (!VARIABLE.matcher(variable.getKey()).matches()) {
                violations.add(new Violation("Environment.Variables", "Environment variable name '" + variable.getKey()
                        + "' must match [a-zA-Z]([a-zA-Z0-9_])+"));
            }
            if (variable.getValue() == null) {
                violations.add(new Violation("Environment.Variables", "Environment variable " + variable.getKey() + " has no value"));
            } else {
                size += variable.getKey().getBytes(StandardCharsets.UTF_8).length + variable.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (!reserved.isEmpty()) {
            violations.add(new Violation("Environment.Variables", "Lambda was unable to configure your environment variables because "
                    + "the environment variables you have provided contains reserved keys that are currently not supported for "
                    + "modification. Reserved keys used in this request: " + String.join(", ", reserved.stream().sorted().toList())));
        }
        if (size > MAX_ENVIRONMENT_BYTES) {
            violations.add(new Violation("Environment.Variables", "Lambda was unable to configure your environment variables because "
                    + "the environment variables you have provided exceeded the 4KB limit. String measured: " + size));
        }
    }
}
