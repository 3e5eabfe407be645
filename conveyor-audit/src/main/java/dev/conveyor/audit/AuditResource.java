package dev.conveyor.audit;

/** A resource a call named, as CloudTrail's {@code Resources}: e.g. {@code AWS::CodePipeline::Pipeline} and its name. */
public record AuditResource(String type, String name) {
}
