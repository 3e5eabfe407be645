package dev.conveyor.model.pipeline;

import java.util.List;
import java.util.Map;

/** An action of a stage: its type, configuration, artifacts, and the V2 compute members. */
public record ActionDeclaration(
        String name,
        ActionTypeId actionTypeId,
        Integer runOrder,
        Map<String, String> configuration,
        List<String> commands,
        List<OutputArtifact> outputArtifacts,
        List<InputArtifact> inputArtifacts,
        List<String> outputVariables,
        String roleArn,
        String region,
        String namespace,
        Integer timeoutInMinutes,
        List<EnvironmentVariable> environmentVariables) {

    /** The run order in force: CodePipeline treats a missing runOrder as 1. */
    public int effectiveRunOrder() {
        return runOrder == null ? 1 : runOrder;
    }

    public Map<String, String> configurationOrEmpty() {
        return configuration == null ? Map.of() : configuration;
    }

    public List<InputArtifact> inputArtifactsOrEmpty() {
        return inputArtifacts == null ? List.of() : inputArtifacts;
    }

    public List<OutputArtifact> outputArtifactsOrEmpty() {
        return outputArtifacts == null ? List.of() : outputArtifacts;
    }

    /**
     * This action as CodePipeline echoes it back: {@code runOrder} 1 when it was left out, and the input and output
     * artifact lists empty rather than absent (GetPipeline always answers {@code "inputArtifacts": []} and
     * {@code "outputArtifacts": []}, as the AWS CLI's get-pipeline and update-pipeline examples show).
     * {@code configuration} stays as written: an action sent without one comes back without one.
     */
    public ActionDeclaration withDefaults() {
        return new ActionDeclaration(name, actionTypeId, effectiveRunOrder(), configuration, commands,
                outputArtifactsOrEmpty(), inputArtifactsOrEmpty(), outputVariables, roleArn, region, namespace,
                timeoutInMinutes, environmentVariables);
    }
}
