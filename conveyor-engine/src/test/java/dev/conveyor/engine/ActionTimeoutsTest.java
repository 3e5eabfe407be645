package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionTimeoutsTest {
    private static ActionDeclaration action(String category, String owner, String provider, Integer minutes) {
        return new ActionDeclaration("A", new ActionTypeId(category, owner, provider, "1"), 1, null, null, null, null, null, null,
                null, null, minutes, null);
    }

    private final ActionTimeouts timeouts = ActionTimeouts.codePipelineDefaults();

    @Test
    void providersHaveCodePipelinesQuotas() {
        assertThat(timeouts.timeoutOf(action("Build", "AWS", "CodeBuild", null))).isEqualTo(Duration.ofHours(8));
        assertThat(timeouts.timeoutOf(action("Approval", "AWS", "Manual", null))).isEqualTo(Duration.ofDays(7));
        assertThat(timeouts.timeoutOf(action("Deploy", "AWS", "CodeDeploy", null))).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void anUnknownProviderFallsBackToItsCategoryAndCustomTypesGetADay() {
        assertThat(timeouts.timeoutOf(action("Source", "AWS", "SomethingNew", null))).isEqualTo(Duration.ofHours(1));
        assertThat(timeouts.timeoutOf(action("Build", "Custom", "Jenkins", null))).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theActionsOwnTimeoutWinsAndCappingShortensEverything() {
        assertThat(timeouts.timeoutOf(action("Approval", "AWS", "Manual", 30))).isEqualTo(Duration.ofMinutes(30));
        ActionTimeouts capped = timeouts.cappedAt(Duration.ofSeconds(5));
        assertThat(capped.timeoutOf(action("Build", "AWS", "CodeBuild", null))).isEqualTo(Duration.ofSeconds(5));
        assertThat(capped.timeoutOf(action("Build", "Custom", "Jenkins", null))).isEqualTo(Duration.ofSeconds(5));
    }
}
