package dev.conveyor.store.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GetPipelineState's "latest execution" of each stage and action, on a history where they differ: the newest pipeline
 * execution stopped in the first stage, so the second stage's latest is an older execution's; an action ran twice in
 * the same millisecond, and the greater id wins; another pipeline's newer rows do not count. Both queries number each stage's and action's executions newest
 * first in one pass (the correlated forms they replaced read the history again per row: quadratic in its length).
 */
class LatestExecutionsTest {
    private final ExecutionRepository executions = new ExecutionRepository();

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void eachStageAndActionShowsItsNewestExecutionEvenWhenTheNewestPipelineExecutionDidNotReachIt(String kind) {
        try (Database db = Database.open(TestDatabases.freshUrl(kind))) {
            db.inTransaction(c -> {
                pipeline(c, "other"); // another pipeline's newer rows must not count
                pipeline(c, "app");
                // Execution 1 ran Build and Deploy; execution 2 ran Build (twice in the same millisecond: ids b-2a, b-2b) and
                // stopped there; execution 3 of "other" ran both stages later than all of them.
                execution(c, "e1", "app", 1, 1_000);
                stage(c, "e1", "Build", 0, "app", 1_000);
                stage(c, "e1", "Deploy", 1, "app", 2_000);
                action(c, "b-1", "e1", "app", "Build", "Compile", 1_000);
                action(c, "d-1", "e1", "app", "Deploy", "Ship", 2_000);
                execution(c, "e2", "app", 2, 3_000);
                stage(c, "e2", "Build", 0, "app", 3_000);
                action(c, "b-2a", "e2", "app", "Build", "Compile", 3_000);
                action(c, "b-2b", "e2", "app", "Build", "Compile", 3_000);
                execution(c, "e3", "other", 1, 9_000);
                stage(c, "e3", "Build", 0, "other", 9_000);
                stage(c, "e3", "Deploy", 1, "other", 9_000);
                action(c, "o-1", "e3", "other", "Build", "Compile", 9_000);
                action(c, "o-2", "e3", "other", "Deploy", "Ship", 9_000);
                return null;
            });

            Map<String, String> stages = db.read(c -> executions.latestStageExecutions(c, "app")).stream()
                    .collect(Collectors.toMap(StageExecutionRow::stageName, StageExecutionRow::pipelineExecutionId));
            Map<String, String> actions = db.read(c -> executions.latestActionExecutions(c, "app")).stream()
                    .collect(Collectors.toMap(a -> a.stageName() + "/" + a.actionName(), ActionExecutionRow::id));

            assertThat(stages).isEqualTo(Map.of("Build", "e2", "Deploy", "e1"));
            assertThat(actions).isEqualTo(Map.of("Build/Compile", "b-2b", "Deploy/Ship", "d-1"));
            List<StageExecutionRow> none = db.read(c -> executions.latestStageExecutions(c, "none"));
            assertThat(none).isEmpty();
        }
    }

    private static void pipeline(Connection c, String name) throws SQLException {
        insert(c, "INSERT INTO pipeline (name, arn, version, pipeline_type, execution_mode, created_at, updated_at) "
                + "VALUES (?, ?, 1, 'V2', 'SUPERSEDED', 0, 0)", name, "arn:aws:codepipeline:us-east-1:000000000000:" + name);
    }

    private static void execution(Connection c, String id, String pipeline, long sequence, long at) throws SQLException {
        insert(c, "INSERT INTO pipeline_execution (id, pipeline_name, pipeline_version, sequence, status, execution_mode, "
                + "execution_type, trigger_type, variables, started_at, updated_at) "
                + "VALUES (?, ?, 1, ?, 'Succeeded', 'SUPERSEDED', 'STANDARD', 'StartPipelineExecution', '[]', ?, ?)",
                id, pipeline, sequence, at, at);
    }

    private static void stage(Connection c, String execution, String stage, int index, String pipeline, long at) throws SQLException {
        insert(c, "INSERT INTO stage_execution (pipeline_execution_id, stage_name, stage_index, pipeline_name, attempt, status, "
                + "started_at, updated_at) VALUES (?, ?, ?, ?, 1, 'Succeeded', ?, ?)", execution, stage, index, pipeline, at, at);
    }

    private static void action(Connection c, String id, String execution, String pipeline, String stage, String action, long at)
            throws SQLException {
        insert(c, "INSERT INTO action_execution (id, pipeline_execution_id, pipeline_name, pipeline_version, stage_name, action_name, "
                + "stage_attempt, run_order, status, input, started_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, 1, 1, 'Succeeded', '{}', ?, ?)",
                id, execution, pipeline, stage, action, at, at);
    }

    private static void insert(Connection c, String sql, Object... values) throws SQLException {
        try (var s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }
}
