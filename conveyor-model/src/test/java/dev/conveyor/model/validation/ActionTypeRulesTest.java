package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.CODEDEPLOY;
import static dev.conveyor.model.fixtures.PipelineFixtures.COMMANDS;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ArtifactCount;
import dev.conveyor.model.actiontype.CompositeActionTypeRegistry;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.actiontype.ConfigurationPropertyType;
import dev.conveyor.model.actiontype.TypeSettings;
import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.fixtures.FixedActionTypeRegistry;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionTypeRulesTest {
    private static final ActionTypeId JENKINS = new ActionTypeId("Build", "Custom", "Jenkins", "1");

    @Test
    void refusesAnUnknownActionTypeInCodePipelinesWords() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(new ActionTypeId("Build", "AWS", "Foo", "1"));

        assertThat(validate(pipeline)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(InvalidActionDeclarationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.stages[1].actions[0].actionTypeId");
            assertThat(violation.message()).isEqualTo(
                    "ActionType (Category: 'Build', Provider: 'Foo', Owner: 'AWS', Version: '1') in action 'Build' is not available");
        });
    }

    @Test
    void refusesAnActionTypeVersionThatDoesNotExist() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(new ActionTypeId("Build", "AWS", "CodeBuild", "2"));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].actionTypeId"));
    }

    @Test
    void refusesTooFewInputArtifacts() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").inputs();

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].inputArtifacts"));
    }

    @Test
    void refusesOutputArtifactsOnAnActionTypeThatProducesNone() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(CODEDEPLOY).noConfiguration()
                .config("ApplicationName", "app").config("DeploymentGroupName", "group");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].outputArtifacts"));
    }

    @Test
    void refusesAnOutputArtifactOnAnOpsWorksDeployAsCodePipelineDoes() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(new ActionTypeId("Deploy", "AWS", "OpsWorks", "1")).noConfiguration()
                .config("Stack", "stack").config("App", "app");

        assertThat(validate(pipeline)).singleElement().satisfies(violation -> {
            assertThat(violation.type()).isEqualTo(InvalidActionDeclarationException.class);
            assertThat(violation.path()).isEqualTo("pipeline.stages[1].actions[0].outputArtifacts");
            assertThat(violation.message()).isEqualTo("Action 'Build' has 1 output artifacts; ActionType (Category: 'Deploy', "
                    + "Provider: 'OpsWorks', Owner: 'AWS', Version: '1') accepts exactly 0.");
        });
    }

    @Test
    void refusesAMissingRequiredConfigurationPropertyAtItsKey() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").withoutConfig("ProjectName");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"));
    }

    @Test
    void acceptsConfigurationKeysAnAwsActionTypeDoesNotDeclare() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").config("SomeKeyAwsAddsLater", "value");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesConfigurationKeysACustomActionTypeDoesNotDeclare() {
        ActionTypeDefinition jenkins = new ActionTypeDefinition(JENKINS, ArtifactCount.between(0, 5),
                ArtifactCount.between(0, 5), List.of(ConfigurationProperty.required("ProjectName")),
                TypeSettings.NONE, false);
        PipelineValidator validator = new PipelineValidator(
                CompositeActionTypeRegistry.withBuiltIns(FixedActionTypeRegistry.of(jenkins)), PipelineLimits.defaults());
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").type(JENKINS).config("Unknown", "value");

        assertThat(validator.validate(pipeline.build())).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.Unknown"));
    }

    @Test
    void refusesCustomConfigurationValuesThatDoNotFitTheirPropertysType() {
        ActionTypeDefinition jenkins = new ActionTypeDefinition(JENKINS, ArtifactCount.between(0, 5), ArtifactCount.between(0, 5),
                List.of(ConfigurationProperty.required("ProjectName"),
                        ConfigurationProperty.optional("Retries").ofType(ConfigurationPropertyType.NUMBER),
                        ConfigurationProperty.optional("Verbose").ofType(ConfigurationPropertyType.BOOLEAN)),
                TypeSettings.NONE, false);
        PipelineValidator validator = new PipelineValidator(
                CompositeActionTypeRegistry.withBuiltIns(FixedActionTypeRegistry.of(jenkins)), PipelineLimits.defaults());

        PipelineBuilder wrong = validPipeline();
        wrong.stage("Build").action("Build").type(JENKINS).config("Retries", "three").config("Verbose", "yes");
        assertThat(validator.validate(wrong.build())).extracting(Violation::type, Violation::path).containsExactlyInAnyOrder(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.Retries"),
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.Verbose"));

        PipelineBuilder right = validPipeline();
        right.stage("Build").action("Build").type(JENKINS).config("Retries", "3").config("Verbose", "TRUE");
        assertThat(validator.validate(right.build())).isEmpty();

        PipelineBuilder resolvedLater = validPipeline().v2();
        resolvedLater.stage("Build").action("Build").type(JENKINS).config("Retries", "#{codepipeline.PipelineExecutionId}");
        assertThat(validator.validate(resolvedLater.build())).as("a reference is checked once it is resolved").isEmpty();
    }

    @Test
    void requiresCommandsOnACommandsAction() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").action("Build").type(COMMANDS).noConfiguration();

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].commands"));
    }

    @Test
    void acceptsACommandsActionWithCommandsAndOutputVariables() {
        PipelineBuilder pipeline = validPipeline().v2();
        pipeline.stage("Build").action("Build").type(COMMANDS).noConfiguration()
                .commands("make test").outputVariables("VERSION");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesCommandsOnAnyOtherActionType() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").commands("make");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].commands"));
    }

    @Test
    void refusesOutputVariablesOnAnyOtherActionType() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").outputVariables("VERSION");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].outputVariables"));
    }

    @Test
    void refusesTimeoutInMinutesOutsideAManualApproval() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").timeoutInMinutes(30);

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].timeoutInMinutes"));
    }

    @Test
    void acceptsTimeoutInMinutesOnAManualApproval() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").addApproval("Approve").runOrder(2).timeoutInMinutes(60);

        assertThat(validate(pipeline)).isEmpty();
    }
}
