package dev.conveyor.model.pipeline;

import java.util.List;
import java.util.Map;

/** A rule of a stage condition. */
public record RuleDeclaration(
        String name,
        RuleTypeId ruleTypeId,
        Map<String, String> configuration,
        List<String> commands,
        List<InputArtifact> inputArtifacts,
        String roleArn,
        String region,
        Integer timeoutInMinutes) {
}
