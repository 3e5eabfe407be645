package dev.conveyor.functions.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an instance is started from: a function's configuration at one revision and its unpacked code. Instances of an
 * older revision are never reused for a newer one.
 */
public record FunctionSpec(String name, String arn, String runtime, String handler, int timeoutSeconds, int memorySize,
                           Map<String, String> environment, String revisionId, Path taskRoot) {
    public FunctionSpec {
        environment = Map.copyOf(environment);
    }
}
