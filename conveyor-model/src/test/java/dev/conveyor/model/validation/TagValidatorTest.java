package dev.conveyor.model.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.conveyor.model.errors.InvalidTagsException;
import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.pipeline.Tag;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TagValidatorTest {
    private final TagValidator validator = new TagValidator(PipelineLimits.defaults());

    @Test
    void acceptsFiftyDistinctTags() {
        List<Tag> tags = IntStream.range(0, 50).mapToObj(i -> new Tag("key" + i, "value")).toList();

        assertThat(validator.validate(tags)).isEmpty();
    }

    @Test
    void acceptsAbsentTags() {
        assertThat(validator.validate(null)).isEmpty();
    }

    @Test
    void refusesMoreThanFiftyTags() {
        List<Tag> tags = IntStream.range(0, 51).mapToObj(i -> new Tag("key" + i, "value")).toList();

        assertThat(validator.validate(tags)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(TooManyTagsException.class, "tags"));
    }

    @Test
    void refusesADuplicateTagKey() {
        List<Tag> tags = List.of(new Tag("team", "a"), new Tag("team", "b"));

        assertThat(validator.validate(tags)).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidTagsException.class, "tags[1].key"));
    }

    @Test
    void refusesTheReservedAwsPrefix() {
        assertThat(validator.validate(List.of(new Tag("aws:createdBy", "me")))).extracting(Violation::type, Violation::path)
                .containsExactly(tuple(InvalidTagsException.class, "tags[0].key"));
    }
}
