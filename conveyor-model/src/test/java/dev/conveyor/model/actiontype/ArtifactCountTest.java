package dev.conveyor.model.actiontype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArtifactCountTest {

    @Test
    void allowsCountsWithinItsInclusiveBounds() {
        ArtifactCount oneToFive = ArtifactCount.between(1, 5);

        assertThat(oneToFive.allows(0)).isFalse();
        assertThat(oneToFive.allows(1)).isTrue();
        assertThat(oneToFive.allows(5)).isTrue();
        assertThat(oneToFive.allows(6)).isFalse();
    }

    @Test
    void describesExactAndRangedCounts() {
        assertThat(ArtifactCount.exactly(1).describe()).isEqualTo("exactly 1");
        assertThat(ArtifactCount.between(0, 5).describe()).isEqualTo("between 0 and 5");
    }

    @Test
    void refusesAnInvertedRange() {
        assertThatThrownBy(() -> ArtifactCount.between(3, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
