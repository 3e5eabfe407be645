package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.condition;
import static dev.conveyor.model.fixtures.PipelineFixtures.lambdaRule;
import static dev.conveyor.model.fixtures.PipelineFixtures.rule;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.FailureConditions;
import dev.conveyor.model.pipeline.RetryConfiguration;
import dev.conveyor.model.pipeline.RuleDeclaration;
import dev.conveyor.model.pipeline.RuleTypeId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageConditionRulesTest {

    @Test
    void acceptsEveryDocumentedResultForEachKindOfCondition() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build")
                .beforeEntry(condition("SKIP", lambdaRule("Gate")))
                .onSuccess(condition("FAIL", lambdaRule("Verify")))
                .onFailure(new FailureConditions("ROLLBACK", null, List.of(condition("ROLLBACK", lambdaRule("Alarm")))));

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesSkipAsAnOnSuccessResult() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").onSuccess(condition("SKIP", lambdaRule("Verify")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class, "pipeline.stages[1].onSuccess.conditions[0].result"));
    }

    @Test
    void refusesRollbackAsABeforeEntryResult() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").beforeEntry(condition("ROLLBACK", lambdaRule("Gate")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class, "pipeline.stages[1].beforeEntry.conditions[0].result"));
    }

    @Test
    void refusesSkipAsTheOnFailureResult() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").onFailure(new FailureConditions("SKIP", null, null));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class, "pipeline.stages[1].onFailure.result"));
    }

    @Test
    void acceptsRetryOnFailureWithOrWithoutARetryConfiguration() {
        PipelineBuilder withMode = validPipeline().v2();
        withMode.stage("Build").onFailure(new FailureConditions("RETRY", new RetryConfiguration("ALL_ACTIONS"), null));
        PipelineBuilder withoutMode = validPipeline().v2();
        withoutMode.stage("Build").onFailure(new FailureConditions("RETRY", null, null));

        assertThat(validate(withMode)).isEmpty();
        assertThat(validate(withoutMode)).isEmpty();
    }

    @Test
    void refusesAnUnknownRuleType() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").beforeEntry(condition("FAIL", rule("Gate", "CoinFlip")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class,
                        "pipeline.stages[1].beforeEntry.conditions[0].rules[0].ruleTypeId"));
    }

    @Test
    void refusesARuleWithoutItsRequiredConfiguration() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").onSuccess(condition("ROLLBACK", rule("Alarm", "CloudWatchAlarm", "WaitTime", "5")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class,
                        "pipeline.stages[1].onSuccess.conditions[0].rules[0].configuration.AlarmName"));
    }

    @Test
    void requiresCommandsOnACommandsRule() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").beforeEntry(condition("FAIL", rule("Smoke", "Commands")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class,
                        "pipeline.stages[1].beforeEntry.conditions[0].rules[0].commands"));
    }

    @Test
    void acceptsARuleTypeIdWithoutOwnerAndVersion() {
        RuleDeclaration rule = new RuleDeclaration("Window", new RuleTypeId("Rule", null, "DeploymentWindow", null),
                Map.of("Cron", "0 0 9-17 ? * MON-FRI *"), null, null, null, null, null);
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").beforeEntry(condition("FAIL", rule));

        assertThat(validate(pipeline)).isEmpty();
    }
}
