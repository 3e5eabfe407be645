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
     * The declaration as stored under a version, and so as GetPipeline, CreatePipeline and UpdatePipeline return it:
     * as the client wrote it, with {@code version} set and the defaults CodePipeline fills in made explicit
     * ({@code pipelineType} V1, {@code executionMode} SUPERSEDED, and on each action {@link
     * ActionDeclaration#withDefaults() runOrder 1 and empty artifact lists}). Filled once when stored, so reads serve
     * the stored JSON as it is.
     */
    public PipelineDeclaration canonical(int newVersion) {
        List<StageDeclaration> filledStages = stages == null ? null
                : stages.stream().map(s -> s == null ? null : s.withActionDefaults()).toList();
        return new PipelineDeclaration(name, roleArn, artifactStore, artifactStores, filledStages, newVersion,
                effectiveExecutionMode(), effectivePipelineType(), variables, triggers);
    }
}
