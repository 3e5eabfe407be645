package dev.conveyor.model.pipeline;

/** An environment variable of a Commands action: PLAINTEXT or SECRETS_MANAGER. */
public record EnvironmentVariable(String name, String value, String type) {
}
