package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.RuleTypeId;
import org.junit.jupiter.api.Test;

class BuiltInRuleTypesTest {

    @Test
    void offersTheFiveDocumentedRules() {
        assertThat(BuiltInRuleTypes.all()).extracting(r -> r.id().provider())
                .containsExactly("LambdaInvoke", "VariableCheck", "CloudWatchAlarm", "DeploymentWindow", "Commands", "CodeBuild");
    }

    @Test
    void readsAnAbsentOwnerAndVersionAsAwsAndOne() {
        assertThat(BuiltInRuleTypes.find(new RuleTypeId("Rule", null, "VariableCheck", null))).get()
                .extracting(RuleTypeDefinition::requiredProperties)
                .satisfies(required -> assertThat(required).extracting(ConfigurationProperty::name)
                        .containsExactly("Variable", "Value", "Operator"));
    }

    @Test
    void findsNothingForAnotherCategoryOrVersion() {
        assertThat(BuiltInRuleTypes.find(new RuleTypeId("Build", "AWS", "LambdaInvoke", "1"))).isEmpty();
        assertThat(BuiltInRuleTypes.find(new RuleTypeId("Rule", "AWS", "LambdaInvoke", "2"))).isEmpty();
    }

    @Test
    void onlyTheCommandsRuleRequiresCommands() {
        assertThat(BuiltInRuleTypes.all()).filteredOn(RuleTypeDefinition::requiresCommands)
                .extracting(r -> r.id().provider()).containsExactly("Commands");
    }
}
