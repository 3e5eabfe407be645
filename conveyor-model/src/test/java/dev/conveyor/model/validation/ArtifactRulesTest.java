package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.addBuild;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.fixtures.StageBuilder;
import org.junit.jupiter.api.Test;

class ArtifactRulesTest {

    @Test
    void refusesAnInputArtifactProducedByALaterAction() {
        PipelineBuilder pipeline = validPipeline();
        StageBuilder build = pipeline.stage("Build");
        addBuild(build, "Package").runOrder(2).outputs("PackageArtifact");
        addBuild(build, "Test").runOrder(1).inputs("PackageArtifact").outputs("TestArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[1].actions[2].inputArtifacts[0].name"));
    }

    @Test
    void refusesAnInputArtifactProducedByALaterStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").inputs("DeployArtifact");
        addBuild(pipeline.addStage("Deploy"), "Deploy").outputs("DeployArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].inputArtifacts[0].name"));
    }

    @Test
    void refusesAnInputArtifactProducedByAParallelAction() {
        PipelineBuilder pipeline = validPipeline();
        StageBuilder build = pipeline.stage("Build");
        addBuild(build, "Test").inputs("BuildArtifact").outputs("TestArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[1].actions[1].inputArtifacts[0].name"));
    }

    @Test
    void acceptsAnInputArtifactFromALowerRunOrderInTheSameStage() {
        PipelineBuilder pipeline = validPipeline();
        addBuild(pipeline.stage("Build"), "Test").runOrder(2).inputs("BuildArtifact").outputs("TestArtifact");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void treatsAMissingRunOrderAsOne() {
        PipelineBuilder pipeline = validPipeline();
        addBuild(pipeline.stage("Build"), "Test").runOrder(1).inputs("BuildArtifact").outputs("TestArtifact");

        assertThat(validate(pipeline)).extracting(Violation::path)
                .containsExactly("pipeline.stages[1].actions[1].inputArtifacts[0].name");
    }

    @Test
    void refusesAnInputArtifactThatNoActionProduces() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").inputs("SourceArtifact", "Nowhere");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].inputArtifacts[1].name"));
    }

    @Test
    void refusesADuplicateOutputArtifactNameAtTheLaterProducer() {
        PipelineBuilder pipeline = validPipeline();
        addBuild(pipeline.addStage("Test"), "Test").outputs("BuildArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[2].actions[0].outputArtifacts[0].name"));
    }

    @Test
    void refusesTheSameInputArtifactTwiceInOneAction() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").inputs("SourceArtifact", "SourceArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].inputArtifacts[1].name"));
    }
}
