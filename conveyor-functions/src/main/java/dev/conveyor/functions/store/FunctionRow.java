package dev.conveyor.functions.store;

import java.time.Instant;
import java.util.Map;

/** A function as stored: its configuration and the SHA-256 (hex) of its code zip. */
public record FunctionRow(String name, String runtime, String role, String handler, String description, int timeoutSeconds,
                          int memorySize, Map<String, String> environment, String codeSha256Hex, long codeSize, String revisionId,
                          Instant lastModified) {
    public FunctionRow {
        environment = Map.copyOf(environment);
    }
}
