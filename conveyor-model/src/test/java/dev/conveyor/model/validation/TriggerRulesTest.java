package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.CODESTAR_SOURCE;
import static dev.conveyor.model.fixtures.PipelineFixtures.S3_SOURCE;
import static dev.conveyor.model.fixtures.PipelineFixtures.branches;
import static dev.conveyor.model.fixtures.PipelineFixtures.pushTrigger;
import static dev.conveyor.model.fixtures.PipelineFixtures.tags;
import static dev.conveyor.model.fixtures.PipelineFixtures.trigger;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.GitPullRequestFilter;
import dev.conveyor.model.pipeline.GitPushFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerRulesTest {

    @Test
    void acceptsPushAndPullRequestTriggersOnACodeStarSourceAction() {
        PipelineBuilder pipeline = validPipeline().v2().trigger(trigger("Source",
                new GitPushFilter(null, branches("main"), null),
                new GitPullRequestFilter(List.of("OPEN", "UPDATED"), branches("main"), null)));

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesASecondTriggerForTheSameSourceAction() {
        PipelineBuilder pipeline = validPipeline().v2().trigger(pushTrigger("Source")).trigger(pushTrigger("Source"));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.triggers[1].gitConfiguration.sourceActionName"));
    }

    @Test
    void refusesATriggerNamingAnActionOutsideTheFirstStage() {
        PipelineBuilder pipeline = validPipeline().v2().trigger(pushTrigger("Build"));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.triggers[0].gitConfiguration.sourceActionName"));
    }

    @Test
    void refusesATriggerOnASourceActionThatIsNotACodeStarConnection() {
        PipelineBuilder pipeline = validPipeline().v2().trigger(pushTrigger("Bucket"));
        pipeline.stage("Source").addAction("Bucket", S3_SOURCE)
                .config("S3Bucket", "bucket").config("S3ObjectKey", "app.zip").outputs("BucketArtifact");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.triggers[0].gitConfiguration.sourceActionName"));
    }

    @Test
    void refusesAPushFilterOnBothTagsAndBranches() {
        PipelineBuilder pipeline = validPipeline().v2()
                .trigger(trigger("Source", new GitPushFilter(tags("v*"), branches("main"), null), null));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.triggers[0].gitConfiguration.push[0]"));
    }

    @Test
    void acceptsAPushFilterOnTagsAlone() {
        PipelineBuilder pipeline = validPipeline().v2()
                .trigger(trigger("Source", new GitPushFilter(tags("v*"), null, null), null));

        assertThat(validate(pipeline)).isEmpty();
    }

    @Test
    void refusesAPullRequestFilterWithoutBranches() {
        PipelineBuilder pipeline = validPipeline().v2()
                .trigger(trigger("Source", null, new GitPullRequestFilter(List.of("OPEN"), null, null)));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path).containsExactly(
                tuple(ValidationException.class, "pipeline.triggers[0].gitConfiguration.pullRequest[0].branches"));
    }

    @Test
    void refusesMoreTriggersThanTheLimit() {
        PipelineBuilder pipeline = validPipeline().v2();
        for (int t = 0; t <= 50; t++) {
            String name = "Source" + t;
            pipeline.stage("Source").addAction(name, CODESTAR_SOURCE)
                    .config("ConnectionArn", "arn").config("FullRepositoryId", "org/repo" + t)
                    .config("BranchName", "main").outputs("Artifact" + t);
            pipeline.trigger(pushTrigger(name));
        }
        PipelineLimits roomyStages = new PipelineLimits(2, 50, 100, 100, 50, 500, 50, 50, 50);

        assertThat(validate(pipeline, roomyStages)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(LimitExceededException.class, "pipeline.triggers"));
    }
}
