package dev.conveyor.model.pipeline;

/** Reserved by CodePipeline for future use; kept so declarations round-trip. */
public record BlockerDeclaration(String name, String type) {
}
