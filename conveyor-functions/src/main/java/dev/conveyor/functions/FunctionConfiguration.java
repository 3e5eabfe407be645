package dev.conveyor.functions;

import java.time.Instant;
import java.util.Map;

/** A function as the Lambda API describes it (its {@code FunctionConfiguration} shape); always version {@code $LATEST}. */
public record FunctionConfiguration(String functionName, String functionArn, String runtime, String role, String handler,
                                    long codeSize, String description, int timeout, int memorySize, Instant lastModified,
                                    String codeSha256, Map<String, String> environment, String revisionId) {
}
