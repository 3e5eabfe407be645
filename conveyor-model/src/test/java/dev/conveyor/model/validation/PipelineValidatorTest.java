package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStageDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.fixtures.PipelineBuilder;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineValidatorTest {
    private final PipelineValidator validator =
            new PipelineValidator(BuiltInActionTypes.instance(), PipelineLimits.defaults());

    @Test
    void acceptsTheValidTwoStagePipeline() {
        assertThat(validator.validate(validPipeline().build())).isEmpty();
    }

    @Test
    void reportsEveryProblemRatherThanTheFirst() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").withoutConfig("ProjectName").inputs("Missing");
        pipeline.addStage("Build");

        List<Violation> violations = validator.validate(pipeline.build());

        assertThat(violations).extracting(Violation::type, Violation::path).containsExactly(
                tuple(InvalidStructureException.class, "pipeline.stages[2].name"),
                tuple(InvalidStageDeclarationException.class, "pipeline.stages[2].actions"),
                tuple(InvalidActionDeclarationException.class, "pipeline.stages[1].actions[0].configuration.ProjectName"),
                tuple(InvalidStructureException.class, "pipeline.stages[1].actions[0].inputArtifacts[0].name"));
    }

    @Test
    void toleratesAbsentOptionalMembersAndNullListElements() {
        PipelineDeclaration valid = validPipeline().build();
        PipelineDeclaration sparse = new PipelineDeclaration(valid.name(), valid.roleArn(), valid.artifactStore(),
                null, java.util.Arrays.asList(valid.stages().get(0), null, valid.stages().get(1)),
                null, null, null, null, null);

        assertThat(validator.validate(sparse)).isEmpty();
    }

    @Test
    void reportsViolationsThatThrowIfAnyTurnsIntoTheFirstViolationsErrorType() {
        PipelineBuilder pipeline = validPipeline();
        pipeline.stage("Build").action("Build").inputs("Missing");

        assertThatThrownBy(() -> Violations.throwIfAny(validator.validate(pipeline.build())))
                .isInstanceOf(InvalidStructureException.class)
                .extracting(e -> ((ServiceException) e).path())
                .isEqualTo("pipeline.stages[1].actions[0].inputArtifacts[0].name");
    }

    @Test
    void refusesANullPipeline() {
        assertThatThrownBy(() -> validator.validate(null)).isInstanceOf(NullPointerException.class);
    }
}
