package dev.conveyor.bench;

import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ExecutionRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * How GetPipelineState's two history reads grow with a pipeline's history: the newest execution of each stage
 * ({@link ExecutionRepository#latestStageExecutions}) and of each action ({@link ExecutionRepository#latestActionExecutions}),
 * on a pipeline of 3 stages with one action each and 1 to 1,000 finished executions, median of 7 reads each. The embedded
 * database always; PostgreSQL too with {@code --postgres JDBC_URL}. Prints the figures; writes nothing.
 *
 * <pre>java -cp "conveyor-bench/target/conveyor-bench.jar:conveyor-bench/target/lib/*" dev.conveyor.bench.LatestExecutionsBench [--postgres URL]</pre>
 */
public final class LatestExecutionsBench {
    private static final int[] HISTORY_LENGTHS = {1, 10, 100, 1_000};
    private static final int STAGES = 3;
    private static final int READS = 7;

    private LatestExecutionsBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> argv = Arrays.asList(args);
        Path dir = Files.createTempDirectory("conveyor-latest-executions-bench-");
        try {
            try (Database h2 = Database.embedded(dir)) {
                measure("H2 (embedded)", h2);
            }
            int i = argv.indexOf("--postgres");
            if (i >= 0) {
                try (Database postgres = Database.open(argv.get(i + 1))) {
                    measure("PostgreSQL", postgres);
                }
            }
        } finally {
            BenchFiles.deleteTree(dir);
        }
    }

    private static void measure(String label, Database db) {
        ExecutionRepository executions = new ExecutionRepository();
        for (int length : HISTORY_LENGTHS) {
            String pipeline = "latest-bench-" + length + "-" + UUID.randomUUID().toString().substring(0, 8);
            db.inTransaction(c -> {
                write(c, pipeline, length);
                return null;
            });
            double stages = medianMillis(() -> {
                if (db.read(c -> executions.latestStageExecutions(c, pipeline)).size() != STAGES) {
                    throw new IllegalStateException("expected one latest execution per stage");
                }
            });
            double actions = medianMillis(() -> {
                if (db.read(c -> executions.latestActionExecutions(c, pipeline)).size() != STAGES) {
                    throw new IllegalStateException("expected one latest execution per action");
                }
            });
            System.out.printf(Locale.ROOT, "%-14s %,6d executions: latest stage executions %8.3f ms, latest action executions %8.3f ms%n",
                    label, length, stages, actions);
        }
    }

    /** A pipeline row and {@code length} finished executions of it, each with its stage and action executions. */
    private static void write(Connection c, String pipeline, int length) throws SQLException {
        try (var p = c.prepareStatement("INSERT INTO pipeline (name, arn, version, pipeline_type, execution_mode, created_at, "
                + "updated_at) VALUES (?, ?, 1, 'V2', 'SUPERSEDED', 0, 0)")) {
            p.setString(1, pipeline);
            p.setString(2, "arn:aws:codepipeline:us-east-1:000000000000:" + pipeline);
            p.executeUpdate();
        }
        try (var e = c.prepareStatement("INSERT INTO pipeline_execution (id, pipeline_name, pipeline_version, sequence, status, "
                + "execution_mode, execution_type, trigger_type, variables, started_at, updated_at) "
                + "VALUES (?, ?, 1, ?, 'Succeeded', 'SUPERSEDED', 'STANDARD', 'StartPipelineExecution', '[]', ?, ?)");
             var s = c.prepareStatement("INSERT INTO stage_execution (pipeline_execution_id, stage_name, stage_index, pipeline_name, "
                     + "attempt, status, started_at, updated_at) VALUES (?, ?, ?, ?, 1, 'Succeeded', ?, ?)");
             var a = c.prepareStatement("INSERT INTO action_execution (id, pipeline_execution_id, pipeline_name, pipeline_version, "
                     + "stage_name, action_name, stage_attempt, run_order, status, input, started_at, updated_at) "
                     + "VALUES (?, ?, ?, 1, ?, 'Run', 1, 1, 'Succeeded', '{}', ?, ?)")) {
            for (int i = 0; i < length; i++) {
                String id = UUID.randomUUID().toString();
                long at = 1_000L * i;
                e.setString(1, id);
                e.setString(2, pipeline);
                e.setLong(3, i + 1);
                e.setLong(4, at);
                e.setLong(5, at);
                e.addBatch();
                for (int stage = 0; stage < STAGES; stage++) {
                    s.setString(1, id);
                    s.setString(2, "Stage" + stage);
                    s.setInt(3, stage);
                    s.setString(4, pipeline);
                    s.setLong(5, at + stage);
                    s.setLong(6, at + stage);
                    s.addBatch();
                    a.setString(1, UUID.randomUUID().toString());
                    a.setString(2, id);
                    a.setString(3, pipeline);
                    a.setString(4, "Stage" + stage);
                    a.setLong(5, at + stage);
                    a.setLong(6, at + stage);
                    a.addBatch();
                }
            }
            e.executeBatch();
            s.executeBatch();
            a.executeBatch();
        }
    }

    private static double medianMillis(Runnable read) {
        read.run(); // the first read prepares the statement and warms the path
        double[] millis = new double[READS];
        for (int i = 0; i < READS; i++) {
            long start = System.nanoTime();
            read.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[READS / 2];
    }
}
