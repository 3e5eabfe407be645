package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.COMMANDS;
import static dev.conveyor.model.fixtures.PipelineFixtures.condition;
import static dev.conveyor.model.fixtures.PipelineFixtures.lambdaRule;
import static dev.conveyor.model.fixtures.PipelineFixtures.pushTrigger;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.FailureConditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineTypeRulesTest {

    @Test
    void refusesPipelineVariablesWhenPipelineTypeIsAbsent() {
        PipelineBuilder pipeline = validPipeline().variable("VERSION");

        assertThat(validate(pipeline)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(ValidationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.variables");
            assertThat(violation.message()).contains("set pipelineType to \"V2\"");
        });
    }

    @Test
    void refusesPipelineVariablesInAnExplicitV1Pipeline() {
        PipelineBuilder pipeline = validPipeline().pipelineType("V1").variable("VERSION");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.variables"));
    }

    @Test
    void refusesTriggersInAV1Pipeline() {
        PipelineBuilder pipeline = validPipeline().trigger(pushTrigger("Source"));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.triggers"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"QUEUED", "PARALLEL"})
    void refusesV2ExecutionModesInAV1Pipeline(String mode) {
        PipelineBuilder pipeline = validPipeline().executionMode(mode);

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.executionMode"));
    }

    @Test
    void acceptsSupersededExecutionModeInAV1Pipeline() {
        assertThat(validate(validPipeline().executionMode("SUPERSEDED"))).isEmpty();
    }

    @Test
    void refusesStageConditionsInAV1Pipeline() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build")
                .beforeEntry(condition("FAIL", lambdaRule("Gate")))
                .onSuccess(condition("ROLLBACK", lambdaRule("Verify")))
                .onFailure(new FailureConditions("ROLLBACK", null, null));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.stages[1].beforeEntry"),
                tuple(ValidationException.class, "pipeline.stages[1].onSuccess"),
                tuple(ValidationException.class, "pipeline.stages[1].onFailure"));
    }

    @Test
    void refusesTheCommandsActionInAV1Pipeline() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(COMMANDS).noConfiguration().commands("make");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.stages[1].actions[0].actionTypeId"));
    }

    @Test
    void acceptsEveryV2FeatureInAV2Pipeline() {
        PipelineBuilder pipeline = validPipeline().v2().executionMode("QUEUED").variable("VERSION")
                .trigger(pushTrigger("Source"));
        pipeline.stage("Build")
                .beforeEntry(condition("FAIL", lambdaRule("Gate")))
                .onSuccess(condition("ROLLBACK", lambdaRule("Verify")))
                .onFailure(new FailureConditions("ROLLBACK", null, null));
        pipeline.stage("Build").addAction("Test", COMMANDS).runOrder(2).inputs("BuildArtifact")
                .commands("make test VERSION=#{variables.VERSION}");

        assertThat(validate(pipeline)).isEmpty();
    }
}
