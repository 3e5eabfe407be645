package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.ALEXA_DEPLOY;
import static dev.conveyor.model.fixtures.PipelineFixtures.CODEDEPLOY;
import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static dev.conveyor.model.validation.ValidatorFactory.validateInRegion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.ArtifactStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArtifactStoreRulesTest {

    @Test
    void refusesBothArtifactStoreAndArtifactStores() {
        PipelineBuilder pipeline = validPipeline()
                .artifactStores(Map.of("us-east-1", new ArtifactStore("S3", "bucket", null)));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.artifactStores"));
    }

    @Test
    void refusesAPipelineWithoutAnyArtifactStore() {
        PipelineBuilder pipeline = validPipeline().artifactStore(null);

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.artifactStore"));
    }

    @Test
    void refusesAnArtifactStoreThatIsNotS3() {
        PipelineBuilder pipeline = validPipeline().artifactStore(new ArtifactStore("GCS", "bucket", null));

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.artifactStore.type"));
    }

    @Test
    void refusesAnActionRegionWhenThePipelineHasASingleArtifactStore() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").region("eu-west-1");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].region"));
    }

    @Test
    void acceptsAnActionNamingThePipelinesOwnRegionWithASingleArtifactStore() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Source").action("Source").region("us-east-1");
        pipeline.stage("Build").action("Build").region("us-east-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).isEmpty();
    }

    @Test
    void refusesAnActionRegionWithoutAnArtifactStoreInArtifactStores() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("us-east-1");
        pipeline.stage("Build").action("Build").region("eu-west-1");

        assertThat(validate(pipeline)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].region"));
    }

    @Test
    void acceptsACrossRegionActionWithAnArtifactStoreForEachRegion() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("us-east-1", "eu-west-1");
        pipeline.stage("Build").action("Build").region("eu-west-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).isEmpty();
    }

    @Test
    void refusesArtifactStoresWithoutThePipelinesOwnRegion() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("eu-west-1");
        pipeline.stage("Build").action("Build").region("eu-west-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidStructureException.class, "pipeline.artifactStores"));
    }

    @Test
    void refusesACrossRegionSourceAction() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("us-east-1", "eu-west-1");
        pipeline.stage("Source").action("Source").region("eu-west-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidActionDeclarationException.class, "pipeline.stages[0].actions[0].region"));
    }

    @Test
    void refusesACrossRegionThirdPartyAction() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("us-east-1", "eu-west-1");
        pipeline.stage("Build").action("Build").type(ALEXA_DEPLOY).noConfiguration().outputs()
                .config("ClientId", "id").config("ClientSecret", "secret").config("RefreshToken", "token")
                .config("SkillId", "skill").region("eu-west-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].region"));
    }

    @Test
    void acceptsACrossRegionAwsDeployAction() {
        PipelineBuilder pipeline = validPipeline().artifactStoresIn("us-east-1", "eu-west-1");
        pipeline.stage("Build").action("Build").type(CODEDEPLOY).noConfiguration().outputs()
                .config("ApplicationName", "app").config("DeploymentGroupName", "group").region("eu-west-1");

        assertThat(validateInRegion(pipeline, "us-east-1")).isEmpty();
    }
}
