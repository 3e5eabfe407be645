package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.S3_SOURCE;
import static dev.conveyor.model.fixtures.PipelineFixtures.addBuild;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.limits;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidBlockerDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.fixtures.StageBuilder;
import org.junit.jupiter.api.Test;

class StructureRulesTest {

    @Test
    void refusesAPipelineWithASingleStage() {
        PipelineBuilder pipeline = validPipeline().removeStage("Build");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages"));
    }

    @Test
    void refusesMoreStagesThanThePublishedQuotaOfFifty() {
        PipelineBuilder pipeline = validPipeline();
        for (int s = 2; s <= 50; s++) {
            pipeline.addStage("Stage" + s).addApproval("Approve");
        }

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.stages"));
    }

    @Test
    void acceptsExactlyFiftyStages() {
        PipelineBuilder pipeline = validPipeline();
        for (int s = 2; s < 50; s++) {
            pipeline.addStage("Stage" + s).addApproval("Approve");
        }

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesAStageWithoutActions() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").removeActions();

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStageDeclarationException.class, "pipeline.stages[1].actions"));
    }

    @Test
    void refusesMoreActionsInAStageThanTheLimit() {
        PipelineBuilder pipeline = validPipeline();
        StageBuilder build = pipeline.stage("Build");
        build.addApproval("Approve1").runOrder(2);
        build.addApproval("Approve2").runOrder(3);

        assertThat(validate(pipeline, limits(2, 50, 50, 500))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.stages[1].actions"));
    }

    @Test
    void refusesMoreParallelActionsThanTheLimitAtTheFirstActionBeyondIt() {
        PipelineBuilder pipeline = validPipeline();
        StageBuilder build = pipeline.stage("Build");
        build.addApproval("Approve1");
        build.addApproval("Approve2");

        assertThat(validate(pipeline, limits(50, 2, 50, 500))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.stages[1].actions[2].runOrder"));
    }

    @Test
    void refusesMoreSequentialActionsThanTheLimit() {
        PipelineBuilder pipeline = validPipeline();
        StageBuilder build = pipeline.stage("Build");
        build.addApproval("Approve1").runOrder(2);
        build.addApproval("Approve2").runOrder(3);

        assertThat(validate(pipeline, limits(50, 50, 2, 500))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.stages[1].actions"));
    }

    @Test
    void refusesMoreActionsInThePipelineThanTheLimit() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").addApproval("Approve").runOrder(2);

        assertThat(validate(pipeline, limits(50, 50, 50, 2))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.stages"));
    }

    @Test
    void refusesANonSourceActionInTheFirstStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Source").addApproval("Approve").runOrder(2);

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[0].actions[1]"));
    }

    @Test
    void refusesAFirstStageWithoutSourceActions() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Source").removeActions().addApproval("Approve");
        pipeline.stage("Build").removeActions().addApproval("Approve");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[0].actions[0]"));
    }

    @Test
    void refusesASourceActionAfterTheFirstStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").addAction("MoreSource", S3_SOURCE)
                .config("S3Bucket", "bucket").config("S3ObjectKey", "app.zip").outputs("MoreSourceArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[1].actions[1]"));
    }

    @Test
    void acceptsSeveralSourceActionsInTheFirstStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Source").addAction("Assets", S3_SOURCE)
                .config("S3Bucket", "bucket").config("S3ObjectKey", "assets.zip").outputs("AssetsArtifact");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesADuplicateStageNameAtTheLaterStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.addStage("Build").addApproval("Approve");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[2].name"));
    }

    @Test
    void refusesADuplicateActionNameWithinAStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").addApproval("Build").runOrder(2);

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStageDeclarationException.class, "pipeline.stages[1].actions[1].name"));
    }

    @Test
    void acceptsTheSameActionNameInDifferentStages() {
        PipelineBuilder pipeline = validPipeline();
        addBuild(pipeline.addStage("Test"), "Build").outputs("TestArtifact");

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesDuplicateBlockerNamesWithinAStage() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").blocker("nightly").blocker("nightly");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidBlockerDeclarationException.class, "pipeline.stages[1].blockers[1].name"));
    }
}
