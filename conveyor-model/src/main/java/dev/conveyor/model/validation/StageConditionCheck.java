package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.BuiltInRuleTypes;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.actiontype.RuleTypeDefinition;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.pipeline.Condition;
import dev.conveyor.model.pipeline.FailureConditions;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.RuleDeclaration;
import dev.conveyor.model.pipeline.RuleTypeId;
import dev.conveyor.model.pipeline.StageDeclaration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stage conditions and failure handling. Each kind allows the results "Configure conditions for a stage" lists:
 * entry conditions FAIL or SKIP, success conditions ROLLBACK or FAIL, failure conditions ROLLBACK; the stage's own
 * onFailure result may also be RETRY (automatic retry, whose retryConfiguration is optional: its retryMode is not
 * required). Rules must be known rule types with their required configuration, and the Commands rule needs
 * commands. Conditions are part of a stage, so violations are {@code InvalidStageDeclarationException}s.
 */
final class StageConditionCheck implements PipelineCheck {
    private static final Set<String> BEFORE_ENTRY_RESULTS = Set.of("FAIL", "SKIP");
    private static final Set<String> ON_SUCCESS_RESULTS = Set.of("ROLLBACK", "FAIL");
    private static final Set<String> ON_FAILURE_CONDITION_RESULTS = Set.of("ROLLBACK");
    private static final Set<String> ON_FAILURE_RESULTS = Set.of("ROLLBACK", "RETRY");

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int s = 0; s < stages.size(); s++) {
            StageDeclaration stage = stages.get(s);
            if (stage == null) {
                continue;
            }
            if (stage.beforeEntry() != null) {
                checkConditions(stage.beforeEntry().conditions(), PipelinePaths.stage(s, "beforeEntry"),
                        "beforeEntry", BEFORE_ENTRY_RESULTS, out);
            }
            if (stage.onSuccess() != null) {
                checkConditions(stage.onSuccess().conditions(), PipelinePaths.stage(s, "onSuccess"),
                        "onSuccess", ON_SUCCESS_RESULTS, out);
            }
            FailureConditions onFailure = stage.onFailure();
            if (onFailure != null) {
                String path = PipelinePaths.stage(s, "onFailure");
                checkResult(onFailure.result(), path + ".result", "onFailure", ON_FAILURE_RESULTS, out);
                checkConditions(onFailure.conditions(), path, "onFailure", ON_FAILURE_CONDITION_RESULTS, out);
            }
        }
    }

    private static void checkConditions(List<Condition> conditions, String path, String kind, Set<String> results,
            List<Violation> out) {
        for (int c = 0; conditions != null && c < conditions.size(); c++) {
            Condition condition = conditions.get(c);
            if (condition == null) {
                continue;
            }
            String conditionPath = path + ".conditions[" + c + "]";
            checkResult(condition.result(), conditionPath + ".result", kind + " condition", results, out);
            List<RuleDeclaration> rules = condition.rules();
            for (int r = 0; rules != null && r < rules.size(); r++) {
                if (rules.get(r) != null) {
                    checkRule(rules.get(r), conditionPath + ".rules[" + r + "]", out);
                }
            }
        }
    }

    private static void checkResult(String result, String path, String kind, Set<String> allowed, List<Violation> out) {
        if (result != null && !allowed.contains(result)) {
            out.add(new Violation(InvalidStageDeclarationException.class, path,
                    "Result %s is not allowed for %s; allowed results are %s."
                            .formatted(result, kind, allowed.stream().sorted().toList())));
        }
    }

    private static void checkRule(RuleDeclaration rule, String path, List<Violation> out) {
        RuleTypeId id = rule.ruleTypeId();
        if (id == null) {
            return;
        }
        Optional<RuleTypeDefinition> definition = BuiltInRuleTypes.find(id);
        if (definition.isEmpty()) {
            out.add(new Violation(InvalidStageDeclarationException.class, path + ".ruleTypeId",
                    "RuleType (Category: '%s', Provider: '%s', Owner: '%s', Version: '%s') in rule '%s' is not available"
                            .formatted(id.category(), id.provider(), id.owner(), id.version(), rule.name())));
            return;
        }
        boolean hasCommands = rule.commands() != null && !rule.commands().isEmpty();
        if (definition.get().requiresCommands() && !hasCommands) {
            out.add(new Violation(InvalidStageDeclarationException.class, path + ".commands",
                    "Commands rule '%s' must declare the commands to run.".formatted(rule.name())));
        }
        if (!definition.get().requiresCommands() && rule.commands() != null) {
            out.add(new Violation(InvalidStageDeclarationException.class, path + ".commands",
                    "Rule '%s' declares commands, which only a Commands rule accepts.".formatted(rule.name())));
        }
        Map<String, String> configuration = rule.configuration() == null ? Map.of() : rule.configuration();
        for (ConfigurationProperty property : definition.get().requiredProperties()) {
            if (configuration.get(property.name()) == null) {
                out.add(new Violation(InvalidStageDeclarationException.class,
                        path + ".configuration." + property.name(),
                        "Rule '%s' is missing the required configuration property '%s' of rule type %s."
                                .formatted(rule.name(), property.name(), id.provider())));
            }
        }
    }
}
