package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.COMMANDS;
import static dev.conveyor.model.fixtures.PipelineFixtures.addBuild;
import static dev.conveyor.model.fixtures.PipelineFixtures.condition;
import static dev.conveyor.model.fixtures.PipelineFixtures.rule;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import org.junit.jupiter.api.Test;

class VariableRulesTest {

    @Test
    void refusesADuplicatePipelineVariableName() {
        PipelineBuilder pipeline = validPipeline().v2().variable("VERSION").variable("VERSION");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.variables[1].name"));
    }

    @Test
    void refusesMorePipelineVariablesThanTheLimit() {
        PipelineBuilder pipeline = validPipeline().v2();
        for (int v = 0; v <= 50; v++) {
            pipeline.variable("VAR" + v);
        }

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.variables"));
    }

    @Test
    void refusesANamespaceAlreadyDeclaredByAnotherAction() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").namespace("SourceVariables");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].namespace"));
    }

    @Test
    void refusesTheReservedCodepipelineNamespace() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").namespace("codepipeline");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].namespace"));
    }

    @Test
    void refusesANamespaceNamedLikeAnArtifact() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").namespace("SourceArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].namespace"));
    }

    @Test
    void acceptsTheExecutionIdCodePipelineProvides() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("EnvironmentVariables",
                "[{\"name\":\"RELEASE\",\"value\":\"#{codepipeline.PipelineExecutionId}\"}]");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesAVariableCodePipelineDoesNotProvide() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("ProjectName", "#{codepipeline.PipelineColour}");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"));
    }

    @Test
    void refusesAReferenceToAnUndeclaredPipelineVariable() {
        PipelineBuilder pipeline = validPipeline().v2().variable("VERSION");
        pipeline.stage("Build").action("Build").config("ProjectName", "build-#{variables.STAGE}");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"));
    }

    @Test
    void acceptsAReferenceToADeclaredPipelineVariable() {
        PipelineBuilder pipeline = validPipeline().v2().variable("STAGE");
        pipeline.stage("Build").action("Build").config("ProjectName", "build-#{variables.STAGE}");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void acceptsAReferenceToTheNamespaceOfAnEarlierAction() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("ProjectName", "build-#{SourceVariables.CommitId}");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesAReferenceToANamespaceNoActionDeclares() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("ProjectName", "#{Nowhere.CommitId}");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"));
    }

    @Test
    void refusesAReferenceToTheNamespaceOfAParallelAction() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").namespace("BuildVariables");
        addBuild(pipeline.stage("Build"), "Report").config("ProjectName", "report-#{BuildVariables.VERSION}");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[1].configuration.ProjectName"));
    }

    @Test
    void refusesAReferenceToTheNamespaceOfALaterStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("ProjectName", "#{TestVariables.RESULT}");
        addBuild(pipeline.addStage("Test"), "Test").namespace("TestVariables");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"));
    }

    @Test
    void checksReferencesInCommandsAndEnvironmentVariables() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").action("Build").type(COMMANDS).noConfiguration()
                .commands("echo #{SourceVariables.CommitId}", "echo #{Nowhere.X}")
                .environmentVariable("STAGE", "#{variables.STAGE}");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].commands[1]"),
                tuple(InvalidActionDeclarationException.class,
                        "pipeline.stages[1].actions[0].environmentVariables[0].value"));
    }

    @Test
    void refusesABeforeEntryRuleReadingItsOwnStage() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").action("Build").namespace("BuildVariables");
        pipeline.stage("Build").beforeEntry(condition("FAIL", rule("Check", "VariableCheck",
                "Variable", "#{BuildVariables.VERSION}", "Value", "1", "Operator", "EQ")));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStageDeclarationException.class,
                        "pipeline.stages[1].beforeEntry.conditions[0].rules[0].configuration.Variable"));
    }

    @Test
    void acceptsAnOnSuccessRuleReadingItsOwnStage() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").action("Build").namespace("BuildVariables");
        pipeline.stage("Build").onSuccess(condition("FAIL", rule("Check", "VariableCheck",
                "Variable", "#{BuildVariables.VERSION}", "Value", "1", "Operator", "EQ")));

        assertThat(validate(pipeline)).isEmpty();
    }
}
