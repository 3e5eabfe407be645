package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidBlockerDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.pipeline.BlockerDeclaration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shape of the stage list: stage and action counts, unique names, and source actions in the first stage only.
 *
 * <p>Error types: a rule about the whole pipeline's layout is an {@code InvalidStructureException}; a rule about
 * one stage's contents (no actions, duplicate action names) an {@code InvalidStageDeclarationException}; a quota an
 * {@code LimitExceededException}, as CodePipeline answers when a quota is exceeded.
 */
final class StructureCheck implements PipelineCheck {
    private final PipelineLimits limits;

    StructureCheck(PipelineLimits limits) {
        this.limits = limits;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        String stagesPath = PipelinePaths.pipeline("stages");
        if (stages.size() < limits.minStagesPerPipeline()) {
            out.add(new Violation(InvalidStructureException.class, stagesPath,
                    "A pipeline must contain at least %d stages; this one has %d."
                            .formatted(limits.minStagesPerPipeline(), stages.size())));
        }
        if (stages.size() > limits.maxStagesPerPipeline()) {
            out.add(new Violation(LimitExceededException.class, stagesPath,
                    "A pipeline can contain at most %d stages; this one has %d."
                            .formatted(limits.maxStagesPerPipeline(), stages.size())));
        }
        if (index.actions().size() > limits.maxActionsPerPipeline()) {
            out.add(new Violation(LimitExceededException.class, stagesPath,
                    "A pipeline can contain at most %d actions; this one has %d."
                            .formatted(limits.maxActionsPerPipeline(), index.actions().size())));
        }
        Set<String> stageNames = new HashSet<>();
        for (int s = 0; s < stages.size(); s++) {
            StageDeclaration stage = stages.get(s);
            if (stage == null) {
                continue;
            }
            if (stage.name() != null && !stageNames.add(stage.name())) {
                out.add(new Violation(InvalidStructureException.class, PipelinePaths.stage(s, "name"),
                        "Stage names must be unique within a pipeline; '%s' is declared more than once."
                                .formatted(stage.name())));
            }
            checkActionCounts(s, stage, index, out);
            checkActionNames(s, index, out);
            checkBlockers(s, stage, out);
        }
        checkSourcePlacement(index, out);
    }

    private void checkActionCounts(int s, StageDeclaration stage, PipelineIndex index, List<Violation> out) {
        List<LocatedAction> actions = index.actionsInStage(s);
        String actionsPath = PipelinePaths.stage(s, "actions");
        if (actions.isEmpty()) {
            out.add(new Violation(InvalidStageDeclarationException.class, actionsPath,
                    "Stage '%s' must contain at least one action.".formatted(stage.name())));
            return;
        }
        if (actions.size() > limits.maxActionsPerStage()) {
            out.add(new Violation(LimitExceededException.class, actionsPath,
                    "A stage can contain at most %d actions; stage '%s' has %d."
                            .formatted(limits.maxActionsPerStage(), stage.name(), actions.size())));
        }
        Map<Integer, Integer> perRunOrder = new TreeMap<>();
        for (LocatedAction action : actions) {
            int count = perRunOrder.merge(action.runOrder(), 1, Integer::sum);
            // Reported once, at the first action beyond the limit, so the path points at what to move.
            if (count == limits.maxParallelActionsPerRunOrder() + 1) {
                out.add(new Violation(LimitExceededException.class, action.path("runOrder"),
                        "At most %d actions can run in parallel; stage '%s' has more with runOrder %d."
                                .formatted(limits.maxParallelActionsPerRunOrder(), stage.name(), action.runOrder())));
            }
        }
        if (perRunOrder.size() > limits.maxSequentialActionsPerStage()) {
            out.add(new Violation(LimitExceededException.class, actionsPath,
                    "A stage can run at most %d actions in sequence; stage '%s' has %d distinct runOrder values."
                            .formatted(limits.maxSequentialActionsPerStage(), stage.name(), perRunOrder.size())));
        }
    }

    private static void checkActionNames(int s, PipelineIndex index, List<Violation> out) {
        Set<String> names = new HashSet<>();
        for (LocatedAction action : index.actionsInStage(s)) {
            if (action.name() != null && !names.add(action.name())) {
                out.add(new Violation(InvalidStageDeclarationException.class, action.path("name"),
                        "Action names must be unique within a stage; '%s' is declared more than once in stage '%s'."
                                .formatted(action.name(), action.stageName())));
            }
        }
    }

    private static void checkBlockers(int s, StageDeclaration stage, List<Violation> out) {
        if (stage.blockers() == null) {
            return;
        }
        Set<String> names = new HashSet<>();
        for (int b = 0; b < stage.blockers().size(); b++) {
            BlockerDeclaration blocker = stage.blockers().get(b);
            if (blocker != null && blocker.name() != null && !names.add(blocker.name())) {
                out.add(new Violation(InvalidBlockerDeclarationException.class,
                        PipelinePaths.stage(s, "blockers[" + b + "].name"),
                        "Blocker names must be unique within a stage; '%s' is declared more than once in stage '%s'."
                                .formatted(blocker.name(), stage.name())));
            }
        }
    }

    /**
     * The first stage holds the source actions and nothing else; no other stage may hold one. An empty first stage
     * is already reported as a stage without actions, so it is not reported again here.
     */
    private static void checkSourcePlacement(PipelineIndex index, List<Violation> out) {
        for (LocatedAction action : index.actions()) {
            if (action.typeId() == null) {
                continue;
            }
            if (action.stageIndex() == 0 && !action.isSource()) {
                out.add(new Violation(InvalidStructureException.class, action.path(),
                        "The first stage may contain only source actions; action '%s' is in category '%s'."
                                .formatted(action.name(), action.typeId().category())));
            } else if (action.stageIndex() > 0 && action.isSource()) {
                out.add(new Violation(InvalidStructureException.class, action.path(),
                        "Only the first stage may contain source actions; action '%s' in stage '%s' is a source action."
                                .formatted(action.name(), action.stageName())));
            }
        }
    }
}
