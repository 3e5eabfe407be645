package dev.conveyor.model.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A pipeline as CodePipeline declares it (the {@code PipelineDeclaration} shape). Members are nullable exactly
 * where the service model makes them optional, so a declaration reads back field for field as it was written.
 */
public record PipelineDeclaration(
        String name,
        String roleArn,
        ArtifactStore artifactStore,
        Map<String, ArtifactStore> artifactStores,
        List<StageDeclaration> stages,
        Integer version,
        String executionMode,
        String pipelineType,
        List<PipelineVariableDeclaration> variables,
        List<PipelineTriggerDeclaration> triggers) {

    public static final String DEFAULT_EXECUTION_MODE = "SUPERSEDED";
    public static final String DEFAULT_PIPELINE_TYPE = "V1";

    /** The pipeline type in force: V1 unless the declaration says otherwise. */
    public String effectivePipelineType() {
        return pipelineType == null ? DEFAULT_PIPELINE_TYPE : pipelineType;
    }

    /** The execution mode in force: SUPERSEDED unless the declaration says otherwise. */
    public String effectiveExecutionMode() {
        return executionMode == null ? DEFAULT_EXECUTION_MODE : executionMode;
    }

    public List<StageDeclaration> stagesOrEmpty() {
        return stages == null ? List.of() : stages;
    }

    public List<PipelineVariableDeclaration> variablesOrEmpty() {
        return variables == null ? List.of() : variables;
    }

    public List<PipelineTriggerDeclaration> triggersOrEmpty() {
        return triggers == null ? List.of() : triggers;
    }

    /**
     * The declaration as stored under a version: as the client wrote it, with only {@code version} set by the
     * service, so GetPipeline returns it field for field.
     */
    public PipelineDeclaration withVersion(int newVersion) {
        return new PipelineDeclaration(name, roleArn, artifactStore, artifactStores, stages, newVersion,
                executionMode, pipelineType, variables, triggers);
    }
}
