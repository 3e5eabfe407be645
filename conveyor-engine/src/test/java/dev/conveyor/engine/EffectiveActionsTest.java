package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which earlier action runs count when a stage is retried: the heart of FAILED_ACTIONS versus ALL_ACTIONS. */
class EffectiveActionsTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static ActionExecutionRow run(String action, int attempt, ActionExecutionStatus status) {
        return new ActionExecutionRow(action + attempt, "e", "p", 1, "Build", action, attempt, 1, status, "{}", null, null, null,
                null, null, null, null, null, null, null, T, T);
    }

    private static StageExecutionRow stage(int attempt, String retryMode) {
        return new StageExecutionRow("e", "Build", 1, "p", attempt, StageExecutionStatus.InProgress, retryMode, T, T);
    }

    private final List<ActionExecutionRow> firstAttempt = List.of(
            run("Steady", 1, ActionExecutionStatus.Succeeded), run("Flaky", 1, ActionExecutionStatus.Failed));

    @Test
    void afterAFailedActionsRetryEarlierSuccessesCountAndFailuresRunAgain() {
        Map<String, ActionExecutionRow> effective = ExecutionAdvancer.effectiveActions(stage(2, "FAILED_ACTIONS"), firstAttempt);
        assertThat(effective).containsOnlyKeys("Steady");
        assertThat(effective.get("Steady").stageAttempt()).isEqualTo(1);
    }

    @Test
    void afterAnAllActionsRetryNothingEarlierCounts() {
        assertThat(ExecutionAdvancer.effectiveActions(stage(2, "ALL_ACTIONS"), firstAttempt)).isEmpty();
    }

    @Test
    void runsOfTheCurrentAttemptAlwaysCountAndReplaceEarlierOnes() {
        List<ActionExecutionRow> rows = List.of(run("Steady", 1, ActionExecutionStatus.Succeeded),
                run("Flaky", 1, ActionExecutionStatus.Failed), run("Flaky", 2, ActionExecutionStatus.Succeeded));
        Map<String, ActionExecutionRow> effective = ExecutionAdvancer.effectiveActions(stage(2, "FAILED_ACTIONS"), rows);
        assertThat(effective.get("Flaky").stageAttempt()).isEqualTo(2);
        assertThat(effective.get("Flaky").status()).isEqualTo(ActionExecutionStatus.Succeeded);
    }
}
