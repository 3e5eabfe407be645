package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.pipeline.Condition;
import dev.conveyor.model.pipeline.EnvironmentVariable;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineVariableDeclaration;
import dev.conveyor.model.pipeline.RuleDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Variable references resolve at run time, so each must name something that exists by then:
 * {@code #{codepipeline.X}} one of the execution variables CodePipeline documents, {@code #{variables.X}} a
 * declared pipeline variable, and {@code #{NS.X}} the namespace of an action that finishes before the referencing
 * action starts ("in a later stage than the action producing the variables, or in the same stage but at a higher
 * run order", variables reference).
 *
 * <p>Error types: a bad reference in an action is an {@code InvalidActionDeclarationException} at the
 * configuration key, command or environment variable holding it; in a stage condition's rule it is an
 * {@code InvalidStageDeclarationException}, since conditions belong to the stage.
 */
final class VariableReferenceCheck implements PipelineCheck {
    /** "This set currently includes PipelineExecutionId" is all the variables reference documents. */
    static final Set<String> EXECUTION_VARIABLES = Set.of("PipelineExecutionId");

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        Set<String> declared = pipeline.variablesOrEmpty().stream().filter(Objects::nonNull)
                .map(PipelineVariableDeclaration::name).filter(Objects::nonNull).collect(Collectors.toSet());
        for (LocatedAction action : index.actions()) {
            Resolver resolver = new Resolver(index, declared, producer -> producer.runsBefore(action),
                    "action '" + action.name() + "'");
            for (Map.Entry<String, String> entry : action.declaration().configurationOrEmpty().entrySet()) {
                resolver.check(entry.getValue(), action.path("configuration." + entry.getKey()),
                        InvalidActionDeclarationException.class, out);
            }
            List<String> commands = action.declaration().commands();
            for (int c = 0; commands != null && c < commands.size(); c++) {
                resolver.check(commands.get(c), action.path("commands[" + c + "]"),
                        InvalidActionDeclarationException.class, out);
            }
            List<EnvironmentVariable> environment = action.declaration().environmentVariables();
            for (int e = 0; environment != null && e < environment.size(); e++) {
                if (environment.get(e) != null) {
                    resolver.check(environment.get(e).value(), action.path("environmentVariables[" + e + "].value"),
                            InvalidActionDeclarationException.class, out);
                }
            }
        }
        checkConditions(pipeline, index, declared, out);
    }

    /**
     * A beforeEntry condition is evaluated before any action of its stage runs, so it may read only earlier
     * stages; onSuccess and onFailure conditions run after the stage's actions and may read the stage itself.
     */
    private static void checkConditions(PipelineDeclaration pipeline, PipelineIndex index, Set<String> declared,
            List<Violation> out) {
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int s = 0; s < stages.size(); s++) {
            StageDeclaration stage = stages.get(s);
            if (stage == null) {
                continue;
            }
            int stageIndex = s;
            if (stage.beforeEntry() != null) {
                checkRules(stage.beforeEntry().conditions(), PipelinePaths.stage(s, "beforeEntry"),
                        new Resolver(index, declared, p -> p.stageIndex() < stageIndex, "the beforeEntry conditions of stage '" + stage.name() + "'"), out);
            }
            Resolver afterStage = new Resolver(index, declared, p -> p.stageIndex() <= stageIndex,
                    "the conditions of stage '" + stage.name() + "'");
            if (stage.onSuccess() != null) {
                checkRules(stage.onSuccess().conditions(), PipelinePaths.stage(s, "onSuccess"), afterStage, out);
            }
            if (stage.onFailure() != null) {
                checkRules(stage.onFailure().conditions(), PipelinePaths.stage(s, "onFailure"), afterStage, out);
            }
        }
    }

    private static void checkRules(List<Condition> conditions, String path, Resolver resolver, List<Violation> out) {
        for (int c = 0; conditions != null && c < conditions.size(); c++) {
            Condition condition = conditions.get(c);
            if (condition == null || condition.rules() == null) {
                continue;
            }
            for (int r = 0; r < condition.rules().size(); r++) {
                RuleDeclaration rule = condition.rules().get(r);
                if (rule == null || rule.configuration() == null) {
                    continue;
                }
                for (Map.Entry<String, String> entry : rule.configuration().entrySet()) {
                    resolver.check(entry.getValue(),
                            path + ".conditions[" + c + "].rules[" + r + "].configuration." + entry.getKey(),
                            InvalidStageDeclarationException.class, out);
                }
            }
        }
    }

    /** Judges references from one place in the pipeline: which producing actions are visible from there. */
    private record Resolver(PipelineIndex index, Set<String> declaredVariables, Predicate<LocatedAction> visible,
            String reader) {

        void check(String text, String path, Class<? extends ServiceException> type, List<Violation> out) {
            for (VariableReference reference : VariableReference.findIn(text)) {
                problem(reference).ifPresent(message -> out.add(new Violation(type, path, message)));
            }
        }

        private Optional<String> problem(VariableReference reference) {
            String namespace = reference.namespace();
            if (VariableReference.CODEPIPELINE.equals(namespace)) {
                return EXECUTION_VARIABLES.contains(reference.key()) ? Optional.empty()
                        : Optional.of("Variable %s in %s is not a variable CodePipeline provides; it provides %s."
                                .formatted(reference, reader, EXECUTION_VARIABLES));
            }
            if (VariableReference.PIPELINE_VARIABLES.equals(namespace)) {
                return declaredVariables.contains(reference.key()) ? Optional.empty()
                        : Optional.of("Variable %s in %s names a pipeline variable that is not declared in pipeline.variables."
                                .formatted(reference, reader));
            }
            Optional<LocatedAction> producer = index.declaringNamespace(namespace);
            if (producer.isEmpty()) {
                return Optional.of("Variable %s in %s refers to namespace '%s', which no action declares."
                        .formatted(reference, reader, namespace));
            }
            if (!visible.test(producer.get())) {
                return Optional.of(("Variable %s in %s refers to namespace '%s' of action '%s', which does not run "
                        + "before it; variables come from an earlier stage or a lower runOrder in the same stage.")
                        .formatted(reference, reader, namespace, producer.get().name()));
            }
            return Optional.empty();
        }
    }
}
