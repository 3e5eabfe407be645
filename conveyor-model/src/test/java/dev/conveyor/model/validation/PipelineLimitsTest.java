package dev.conveyor.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PipelineLimitsTest {

    @Test
    void defaultsAreCodePipelinesPublishedQuotas() {
        assertThat(PipelineLimits.defaults())
                .isEqualTo(new PipelineLimits(2, 50, 50, 50, 50, 500, 50, 50, 50));
    }
}
