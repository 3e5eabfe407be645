package dev.conveyor.model.validation;

import static dev.conveyor.model.fixtures.PipelineFixtures.validPipeline;
import static dev.conveyor.model.validation.ValidatorFactory.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.ValidationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineNameRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void refusesANameThatIsADotSegment(String name) {
        assertThat(validate(validPipeline().name(name))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(ValidationException.class, "pipeline.name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"...", ".hidden", "a..b", "release.1", "@team_-.x"})
    void acceptsOtherNamesWithDots(String name) {
        assertThat(validate(validPipeline().name(name))).isEmpty();
    }
}
