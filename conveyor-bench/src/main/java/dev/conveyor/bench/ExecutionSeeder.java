package dev.conveyor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ActionTimeouts;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.InputArtifact;
import dev.conveyor.model.pipeline.OutputArtifact;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineVariableDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.JobRepository;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes a history of finished executions straight into the embedded database of a stopped Conveyor, much faster
 * than running them (the API starts about 60 executions a second, and each would then run its actions). What is
 * written is what the engine leaves behind when an execution has finished, row for row: the pipeline execution
 * (trigger, resolved variables, pinned source revision, artifact revisions), its stage and action executions
 * (input, output, summary, error, external execution id, worker), the jobs that carried the actions, the artifacts'
 * audit trail (which action produced and which consumed each artifact), the last PutActionRevision revision of a
 * source, and the pipeline's execution counter. Rows go through the store's own repositories where they have a
 * connection-level insert (executions, stages, actions, jobs), and through INSERTs naming every column elsewhere.
 *
 * <p>Executions follow each pipeline's stored declaration (stages, runOrder groups, artifacts) and are spread over
 * the last 30 days: mostly Succeeded, some Failed (in any stage, with the provider's kind of error), Stopped (with
 * and without abandoning the running action) and Superseded (passed by a newer execution while waiting to enter
 * the second stage). Started by a put of the source object (CloudWatchEvent), StartPipelineExecution or
 * PutActionRevision. Random choices are seeded, so the same arguments write the same history.
 *
 * <p>Not written: the artifacts' bytes (object versions in the artifact bucket and their blob files), the action
 * logs under the data directory, and CodeBuild's own build records: nothing measured here reads them.
 */
final class ExecutionSeeder {
    private static final ObjectMapper JSON = ConveyorJson.mapper();
    /** Executions are spread over this much of the recent past. */
    static final Duration HISTORY = Duration.ofDays(30);
    /** A few pipelines per transaction: larger ones made H2 write far more (a chunk stored mid-transaction is rewritten). */
    private static final int PIPELINES_PER_TRANSACTION = 5;
    private static final int SAMPLED_PIPELINES = 8;
    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final Path dataDir;
    private final Instant now;
    private final long seed;
    private final String embeddedWorker;
    private final ActionTimeouts timeouts = ActionTimeouts.codePipelineDefaults();
    private final ExecutionRepository executions = new ExecutionRepository();
    private final JobRepository jobs = new JobRepository();
    private Keys keys;

    /**
     * @param dataDir the server's {@code --data-dir}; the server must not be running
     * @param now     the end of the history (executions finish before it)
     * @param seed    seeds every random choice
     */
    ExecutionSeeder(Path dataDir, Instant now, long seed) {
        this.dataDir = dataDir;
        this.now = now;
        this.seed = seed;
        // As the embedded agent names itself (ConveyorServer): its name is on every job it ran.
        this.embeddedWorker = "embedded@" + hostName() + ":" + dataDir.toAbsolutePath();
    }

    /**
     * What was written: counts, a few pipelines' executions in full to check through the API afterwards, and each
     * pipeline's number of executions now stored (those it had plus those written).
     */
    record Seeded(int pipelines, int executions, Map<PipelineExecutionStatus, Integer> byStatus, Map<String, Long> rowsByTable,
                  Duration elapsed, Map<String, List<SeededExecution>> samples, Map<String, Long> executionCounts) {
        long rows() {
            return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One execution as written; {@code artifactRevision} is its source revision, or null when the source did not run. */
    record SeededExecution(String pipelineName, String id, long sequence, PipelineExecutionStatus status, String triggerType,
                           String artifactRevision, List<SeededStage> stages, List<SeededAction> actions) {
    }

    record SeededStage(String stageName, StageExecutionStatus status) {
    }

    record SeededAction(String id, String stageName, String actionName, ActionExecutionStatus status) {
    }

    /** A stored pipeline at its current version. */
    private record Pipeline(int index, String name, String arn, int version, long executionCount, PipelineDeclaration declaration) {
    }

    /**
     * Writes {@code total} executions spread evenly over the stored pipelines (the first {@code total % pipelines}
     * get one more). Fails if there are no pipelines.
     */
    Seeded seed(int total) {
        long started = System.nanoTime();
        try (Database db = Database.open(url())) {
            List<Pipeline> pipelines = db.read(ExecutionSeeder::pipelines);
            if (pipelines.isEmpty()) {
                throw new IllegalStateException("no pipelines stored in " + dataDir + ": nothing to seed executions for");
            }
            Counts counts = new Counts();
            Map<String, List<SeededExecution>> samples = new LinkedHashMap<>();
            Map<String, Long> executionCounts = new LinkedHashMap<>();
            int maxActions = pipelines.stream().mapToInt(p -> p.declaration().stagesOrEmpty().stream()
                    .mapToInt(st -> st.actionsOrEmpty().size()).sum()).max().orElse(1);
            keys = new Keys(new SplittableRandom(seed), (long) total * (1 + 2L * maxActions));
            int per = total / pipelines.size();
            int extra = total % pipelines.size();
            for (int from = 0; from < pipelines.size(); from += PIPELINES_PER_TRANSACTION) {
                List<Pipeline> batch = pipelines.subList(from, Math.min(pipelines.size(), from + PIPELINES_PER_TRANSACTION));
                db.inTransaction(c -> {
                    try (Inserts inserts = new Inserts(c)) {
                        for (Pipeline p : batch) {
                            int count = per + (p.index() < extra ? 1 : 0);
                            // The seeded history is the pipeline's whole history: it replaces the execution its creation
                            // started (as CodePipeline starts one), so that reads compare with exactly what was seeded.
                            Queries.update(c, "DELETE FROM pipeline_execution WHERE pipeline_name = ?", p.name());
                            Queries.update(c, "DELETE FROM action_revision WHERE pipeline_name = ?", p.name());
                            executionCounts.put(p.name(), (long) count);
                            List<SeededExecution> written = new PipelineHistory(p, inserts, counts).write(count);
                            if (isSampled(p.index(), pipelines.size())) {
                                samples.put(p.name(), written);
                            }
                        }
                    }
                    return null;
                });
            }
            return new Seeded(pipelines.size(), counts.executions, counts.byStatus, counts.rows,
                    Duration.ofNanos(System.nanoTime() - started), samples, executionCounts);
        }
    }

    /**
     * The server's embedded database, at the path and in the mode {@link Database#embedded} opens it, but without
     * WRITE_DELAY=0: the load does not need each commit on disk before the next (closing writes everything).
     */
    private String url() {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("conveyor")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    }

    private static boolean isSampled(int index, int pipelines) {
        if (index == 0 || index == pipelines - 1) {
            return true;
        }
        int step = Math.max(1, pipelines / (SAMPLED_PIPELINES - 1));
        return index % step == 0;
    }

    private static List<Pipeline> pipelines(Connection c) throws SQLException {
        List<Pipeline> pipelines = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT p.name, p.arn, p.version, p.execution_count, v.declaration "
                + "FROM pipeline p JOIN pipeline_version v ON v.pipeline_name = p.name AND v.version = p.version ORDER BY p.name");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                pipelines.add(new Pipeline(pipelines.size(), r.getString(1), r.getString(2), r.getInt(3), r.getLong(4),
                        ConveyorJson.read(r.getString(5), PipelineDeclaration.class)));
            }
        }
        return pipelines;
    }

    /**
     * Primary keys (of executions, action executions and jobs): version 4 UUIDs to look at, but ascending in the
     * order rows are written, so that the load appends to the key indexes. With keys in random order, as the server
     * makes them one execution at a time over weeks, every chunk H2 writes (each ~19 MB of changes) rewrites pages
     * all over those indexes: 100,000 executions then took 4 minutes and an 11 GB file. Nothing reads keys in order.
     */
    private static final class Keys {
        private static final long SPACE = 1L << 60;
        private final SplittableRandom random;
        private final long stride;
        private long value;

        Keys(SplittableRandom random, long expected) {
            this.random = random;
            this.value = random.nextLong(SPACE / 16);
            this.stride = Math.max(2, (SPACE - SPACE / 16) / Math.max(1, expected) / 2 * 2);
        }

        String next() {
            value = Math.min(SPACE - 1, value + 1 + random.nextLong(stride - 1)); // stride / 2 on average
            long most = ((value >>> 12) << 16) | 0x4000L | (value & 0xFFFL);
            long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(most, least).toString();
        }
    }

    /** Tallies, per table and per status. */
    private static final class Counts {
        int executions;
        final Map<PipelineExecutionStatus, Integer> byStatus = new EnumMap<>(PipelineExecutionStatus.class);
        final Map<String, Long> rows = new TreeMap<>();

        void row(String table) {
            rows.merge(table, 1L, Long::sum);
        }
    }

    /** The statements without a connection-level repository method, prepared once per transaction. */
    private static final class Inserts implements AutoCloseable {
        final Connection connection;
        final PreparedStatement artifact;
        final PreparedStatement consumption;
        final PreparedStatement sourceRevision;
        final PreparedStatement executionCount;

        Inserts(Connection c) throws SQLException {
            connection = c;
            artifact = c.prepareStatement("INSERT INTO artifact (bucket, object_key, version_id, artifact_name, sha256, size, "
                    + "pipeline_name, pipeline_execution_id, stage_name, action_name, action_execution_id, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
            consumption = c.prepareStatement("INSERT INTO artifact_consumption (artifact_id, pipeline_name, pipeline_execution_id, "
                    + "stage_name, action_name, action_execution_id, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
            // As PutActionRevision records the revision it was given (SourceRevisionRepository.advance): the latest wins.
            sourceRevision = c.prepareStatement("MERGE INTO source_revision (pipeline_name, action_name, kind, source_key, revision, "
                    + "change_id, revision_at, seen_at) KEY (pipeline_name, action_name, kind) VALUES (?, ?, 'PUT', ?, ?, ?, ?, ?)");
            executionCount = c.prepareStatement("UPDATE pipeline SET execution_count = ? WHERE name = ?");
        }

        @Override
        public void close() throws SQLException {
            artifact.close();
            consumption.close();
            sourceRevision.close();
            executionCount.close();
        }
    }

    /** How one execution ends, decided before it is written. */
    private enum Outcome { SUCCEEDED, FAILED, STOPPED, SUPERSEDED }

    /** Writes the executions of one pipeline, oldest first. */
    private final class PipelineHistory {
        private final Pipeline pipeline;
        private final Inserts inserts;
        private final Counts counts;
        private final SplittableRandom random;
        private final List<StageDeclaration> stages;
        private final String bucket;
        private final String region;
        private final String variablesJson;

        PipelineHistory(Pipeline pipeline, Inserts inserts, Counts counts) {
            this.pipeline = pipeline;
            this.inserts = inserts;
            this.counts = counts;
            this.random = new SplittableRandom(seed * 1_000_003L + pipeline.index());
            this.stages = pipeline.declaration().stagesOrEmpty();
            this.bucket = pipeline.declaration().artifactStore() != null ? pipeline.declaration().artifactStore().location()
                    : pipeline.declaration().artifactStores().values().iterator().next().location();
            String[] arn = pipeline.arn().split(":");
            this.region = arn.length > 3 ? arn[3] : AwsJsonRequest.REGION;
            ArrayNode variables = JSON.createArrayNode();
            for (PipelineVariableDeclaration v : pipeline.declaration().variablesOrEmpty()) {
                variables.addObject().put("name", v.name()).put("resolvedValue", v.defaultValue() == null ? "value" : v.defaultValue());
            }
            this.variablesJson = ConveyorJson.write(variables);
        }

        List<SeededExecution> write(int count) throws SQLException {
            List<SeededExecution> written = new ArrayList<>();
            if (count == 0 || stages.isEmpty()) {
                return written;
            }
            Outcome[] outcomes = new Outcome[count];
            for (int k = 0; k < count; k++) {
                double r = random.nextDouble();
                outcomes[k] = r < 0.74 ? Outcome.SUCCEEDED : r < 0.86 ? Outcome.FAILED : r < 0.92 ? Outcome.STOPPED : Outcome.SUPERSEDED;
                // Superseded needs a second stage to wait for and a newer execution to pass it.
                if (outcomes[k] == Outcome.SUPERSEDED && (k == count - 1 || stages.size() < 2
                        || (k > 0 && outcomes[k - 1] == Outcome.SUPERSEDED))) {
                    outcomes[k] = Outcome.SUCCEEDED;
                }
            }
            String[] ids = new String[count];
            for (int k = 0; k < count; k++) {
                ids[k] = keys.next();
            }
            // Evenly spaced over the history with some jitter, oldest first, all finished well before now. In SUPERSEDED
            // mode an execution is superseded when it waits to enter the second stage (the previous execution is in
            // it) and a newer one arrives there too: so it starts while the previous one is in the second stage, the
            // newer one soon after, and the newer one enters when the previous one leaves.
            Instant historyStart = now.minus(HISTORY);
            long slotMillis = (HISTORY.toMillis() - Duration.ofHours(2).toMillis()) / count;
            Run previous = null;
            Run superseded = null;
            StageExecutionRow occupied = null; // the second stage the superseded execution waited for
            for (int k = 0; k < count; k++) {
                long sequence = pipeline.executionCount() + k + 1;
                Outcome outcome = outcomes[k];
                StageExecutionRow previousSecond = previous == null || previous.stageRows.size() < 2 ? null : previous.stageRows.get(1);
                if (outcome == Outcome.SUPERSEDED && previousSecond == null) {
                    outcome = Outcome.SUCCEEDED;
                }
                Instant start;
                Instant secondStageFrom = null;
                if (superseded != null) {
                    long window = Duration.between(superseded.start, occupied.updatedAt()).toMillis();
                    start = superseded.start.plusMillis(2_000 + random.nextLong(Math.max(1, window - 12_000)));
                    secondStageFrom = occupied.updatedAt().plusMillis(50 + random.nextInt(450));
                } else if (outcome == Outcome.SUPERSEDED) {
                    long inStage = Duration.between(previousSecond.startedAt(), previousSecond.updatedAt()).toMillis();
                    start = previousSecond.startedAt().plusMillis(random.nextLong(Math.max(1, inStage / 2)));
                } else {
                    start = historyStart.plusMillis(k * slotMillis + (long) (random.nextDouble() * slotMillis * 0.7));
                    if (previous != null) {
                        start = later(start, previous.end.plusSeconds(60));
                    }
                }
                Run run = new Run(ids[k], sequence, outcome, start, secondStageFrom, superseded != null);
                run.simulate();
                if (superseded != null) {
                    // Superseded when the later of the two reached the second stage.
                    superseded.end = later(superseded.end, run.firstStageEnd).plusMillis(3 + random.nextInt(40));
                    superseded.statusSummary = "Superseded by execution " + run.id;
                    written.add(superseded.insert());
                    superseded = null;
                }
                if (outcome == Outcome.SUPERSEDED) {
                    superseded = run;
                    occupied = previousSecond;
                } else {
                    written.add(run.insert());
                }
                previous = run;
            }
            inserts.executionCount.setLong(1, pipeline.executionCount() + count);
            inserts.executionCount.setString(2, pipeline.name());
            inserts.executionCount.executeUpdate();
            written.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
            return written;
        }

        /** One execution: its trigger, timeline and rows, simulated before anything is written. */
        private final class Run {
            final String id;
            final long sequence;
            final Outcome outcome;
            final Instant start;
            /** When the second stage is free to enter (null: at once). */
            final Instant secondStageFrom;
            /** This execution supersedes a waiting one, so it passes the first stage. */
            final boolean passesFirstStage;
            Instant end;
            Instant firstStageEnd;
            String statusSummary;
            Boolean stopAbandon;
            String triggerType;
            String triggerDetail;
            String clientRequestToken;
            String sourceRevisionsJson;
            ArrayNode artifactRevisions = JSON.createArrayNode();
            String sourceVersion;
            final List<StageExecutionRow> stageRows = new ArrayList<>();
            final List<ActionRun> actionRuns = new ArrayList<>();
            /** Artifacts produced so far, by name: location and the index of the row in {@link #actionRuns}. */
            final Map<String, ProducedArtifact> artifacts = new HashMap<>();

            Run(String id, long sequence, Outcome outcome, Instant start, Instant secondStageFrom, boolean passesFirstStage) {
                this.id = id;
                this.sequence = sequence;
                this.outcome = outcome;
                this.start = start;
                this.secondStageFrom = secondStageFrom;
                this.passesFirstStage = passesFirstStage;
            }

            void simulate() {
                chooseTrigger();
                int failingStage = -1;
                int stoppingStage = -1;
                if (outcome == Outcome.FAILED) {
                    failingStage = stages.size() == 1 || (random.nextDouble() < 0.05 && !passesFirstStage) ? 0
                            : 1 + random.nextInt(stages.size() - 1);
                } else if (outcome == Outcome.STOPPED) {
                    stoppingStage = stages.size() == 1 ? 0 : 1 + random.nextInt(stages.size() - 1);
                    stopAbandon = random.nextBoolean();
                }
                int lastStage = outcome == Outcome.SUPERSEDED ? 0 : stages.size() - 1;
                Instant t = start.plusMillis(20 + random.nextInt(200));
                for (int s = 0; s <= lastStage; s++) {
                    StageDeclaration stage = stages.get(s);
                    if (s == 1 && secondStageFrom != null) {
                        t = later(t, secondStageFrom); // waited at the boundary for the stage to be free
                    }
                    Instant stageStart = t;
                    StageExecutionStatus stageStatus = StageExecutionStatus.Succeeded;
                    TreeMap<Integer, List<ActionDeclaration>> groups = new TreeMap<>();
                    for (ActionDeclaration action : stage.actionsOrEmpty()) {
                        groups.computeIfAbsent(action.effectiveRunOrder(), k -> new ArrayList<>()).add(action);
                    }
                    boolean ended = false;
                    boolean firstGroup = true;
                    for (List<ActionDeclaration> group : groups.values()) {
                        Instant groupStart = t;
                        ActionDeclaration failing = s == failingStage && firstGroup ? group.get(random.nextInt(group.size())) : null;
                        boolean stopping = s == stoppingStage && firstGroup;
                        Instant stopAt = null;
                        if (stopping) {
                            stopAt = groupStart.plusSeconds(5 + random.nextInt(40));
                        }
                        Instant groupEnd = groupStart;
                        List<ActionRun> groupRuns = new ArrayList<>();
                        for (ActionDeclaration action : group) {
                            Instant actionStart = groupStart.plusMillis(random.nextInt(15));
                            Instant actionEnd = actionStart.plus(durationOf(action));
                            ActionExecutionStatus status = ActionExecutionStatus.Succeeded;
                            if (action == failing) {
                                status = ActionExecutionStatus.Failed;
                                actionEnd = actionStart.plus(durationOf(action).dividedBy(2 + random.nextInt(3)));
                            } else if (stopping && Boolean.TRUE.equals(stopAbandon) && actionEnd.isAfter(stopAt)) {
                                status = ActionExecutionStatus.Abandoned;
                                actionEnd = stopAt;
                            }
                            groupRuns.add(new ActionRun(s, stage, action, status, actionStart, actionEnd));
                            groupEnd = later(groupEnd, actionEnd);
                        }
                        for (ActionRun run : groupRuns) {
                            run.resolveInputs();
                            actionRuns.add(run);
                            run.produce();
                        }
                        t = groupEnd.plusMillis(30 + random.nextInt(300));
                        if (failing != null) {
                            ActionRun failed = groupRuns.stream().filter(r -> r.action == failing).findFirst().orElseThrow();
                            stageStatus = StageExecutionStatus.Failed;
                            String summary = "Action '" + failing.name() + "' in stage '" + stage.name() + "' failed: "
                                    + failed.errorMessage;
                            statusSummary = summary.length() <= 2000 ? summary : summary.substring(0, 1999) + "…";
                            end = groupEnd.plusMillis(5 + random.nextInt(30));
                            ended = true;
                        } else if (stopping) {
                            stageStatus = StageExecutionStatus.Stopped;
                            statusSummary = random.nextInt(3) == 0 ? "Stopped by request"
                                    : List.of("Stopping to deploy a hotfix first", "Wrong branch", "Superseded by a manual release",
                                    "Build queue too long").get(random.nextInt(4));
                            end = (Boolean.TRUE.equals(stopAbandon) ? later(stopAt, groupStart) : groupEnd).plusMillis(5 + random.nextInt(30));
                            ended = true;
                        }
                        firstGroup = false;
                        if (ended) {
                            break;
                        }
                    }
                    Instant stageEnd = ended ? end : t.minusMillis(20);
                    stageRows.add(new StageExecutionRow(id, stage.name(), s, pipeline.name(), 1, stageStatus, null, stageStart,
                            later(stageEnd, stageStart)));
                    if (s == 0) {
                        firstStageEnd = later(stageEnd, stageStart);
                    }
                    if (ended) {
                        break;
                    }
                    t = t.plusMillis(random.nextInt(400));
                }
                switch (outcome) {
                    case SUCCEEDED -> {
                        statusSummary = "Succeeded";
                        end = t;
                    }
                    case SUPERSEDED -> end = t; // moved on when the newer execution passes it
                    default -> {
                    }
                }
            }

            private void chooseTrigger() {
                ActionDeclaration source = stages.getFirst().actionsOrEmpty().getFirst();
                boolean s3 = "S3".equals(source.actionTypeId().provider()) && "Source".equals(source.actionTypeId().category());
                sourceVersion = s3 ? randomString(ALPHANUMERIC, 32) : hex(40);
                double r = random.nextDouble();
                String accessKey = "AKIA" + randomString(UPPER_ALNUM, 16);
                if (r < 0.70 && s3) {
                    // A put of the watched object (SourceTriggers.objectPut), pinned to the version put.
                    triggerType = "CloudWatchEvent";
                    triggerDetail = "arn:aws:s3:::" + source.configurationOrEmpty().get("S3Bucket") + "/"
                            + source.configurationOrEmpty().get("S3ObjectKey") + " " + sourceVersion;
                    sourceRevisionsJson = pin(source);
                } else if (r < 0.90) {
                    triggerType = "StartPipelineExecution";
                    triggerDetail = "arn:aws:iam::" + AwsJsonRequest.ACCOUNT_ID + ":user/" + accessKey;
                    clientRequestToken = uuid(); // the AWS CLI and SDKs fill in an idempotency token
                } else {
                    triggerType = "PutActionRevision";
                    triggerDetail = "arn:aws:iam::" + AwsJsonRequest.ACCOUNT_ID + ":user/" + accessKey + " " + source.name() + " "
                            + sourceVersion;
                    clientRequestToken = "put-" + sha1(source.name() + "\n" + sourceVersion + "\n" + hex(8));
                    sourceRevisionsJson = pin(source);
                }
            }

            private String pin(ActionDeclaration source) {
                String type = "S3".equals(source.actionTypeId().provider()) ? "S3_OBJECT_VERSION_ID" : "COMMIT_ID";
                ArrayNode list = JSON.createArrayNode();
                list.addObject().put("actionName", source.name()).put("revisionType", type).put("revisionValue", sourceVersion);
                return ConveyorJson.write(list);
            }

            SeededExecution insert() throws SQLException {
                Connection c = inserts.connection;
                PipelineExecutionStatus status = switch (outcome) {
                    case SUCCEEDED -> PipelineExecutionStatus.Succeeded;
                    case FAILED -> PipelineExecutionStatus.Failed;
                    case STOPPED -> PipelineExecutionStatus.Stopped;
                    case SUPERSEDED -> PipelineExecutionStatus.Superseded;
                };
                executions.insert(c, new PipelineExecutionRow(id, pipeline.name(), pipeline.version(), sequence, status, statusSummary,
                        pipeline.declaration().effectiveExecutionMode(), "STANDARD", triggerType, triggerDetail, clientRequestToken,
                        variablesJson, sourceRevisionsJson, ConveyorJson.write(artifactRevisions), null, stopAbandon, start, end));
                counts.row("pipeline_execution");
                for (StageExecutionRow stage : stageRows) {
                    executions.insert(c, stage);
                    counts.row("stage_execution");
                }
                List<SeededAction> actions = new ArrayList<>();
                for (ActionRun run : actionRuns) {
                    run.insert(c);
                    actions.add(new SeededAction(run.id, run.stage.name(), run.action.name(), run.status));
                }
                if ("PutActionRevision".equals(triggerType)) {
                    ActionDeclaration source = stages.getFirst().actionsOrEmpty().getFirst();
                    PreparedStatement s = inserts.sourceRevision;
                    s.setString(1, pipeline.name());
                    s.setString(2, source.name());
                    s.setString(3, source.name());
                    s.setString(4, sourceVersion);
                    s.setString(5, hex(32));
                    s.setLong(6, start.minusSeconds(2 + random.nextInt(60)).toEpochMilli());
                    s.setLong(7, start.toEpochMilli());
                    s.executeUpdate();
                    counts.row("source_revision");
                }
                counts.executions++;
                counts.byStatus.merge(status, 1, Integer::sum);
                String revision = artifactRevisions.isEmpty() ? null : artifactRevisions.get(0).path("revisionId").asText();
                List<SeededStage> seededStages = stageRows.stream().map(r -> new SeededStage(r.stageName(), r.status())).toList();
                return new SeededExecution(pipeline.name(), id, sequence, status, triggerType, revision, seededStages, actions);
            }

            /** An artifact an action of this execution stored. */
            private record ProducedArtifact(String name, String key, String versionId, String sha256, long size,
                                            ActionRun producer, Instant at) {
            }

            /** One action execution, its job and its artifacts. */
            private final class ActionRun {
                final int stageIndex;
                final StageDeclaration stage;
                final ActionDeclaration action;
                final ActionExecutionStatus status;
                final Instant started;
                final Instant ended;
                final String id = keys.next();
                final List<ProducedArtifact> inputs = new ArrayList<>();
                final List<ProducedArtifact> outputs = new ArrayList<>();
                String externalId;
                String externalUrl;
                String summary;
                String errorCode;
                String errorMessage;
                Map<String, String> outputVariables = new LinkedHashMap<>();
                long artifactIdsFrom;

                ActionRun(int stageIndex, StageDeclaration stage, ActionDeclaration action, ActionExecutionStatus status,
                          Instant started, Instant ended) {
                    this.stageIndex = stageIndex;
                    this.stage = stage;
                    this.action = action;
                    this.status = status;
                    this.started = started;
                    this.ended = ended;
                }

                boolean approval() {
                    return BuiltInActionTypes.MANUAL_APPROVAL.equals(action.actionTypeId());
                }

                void resolveInputs() {
                    for (InputArtifact in : action.inputArtifactsOrEmpty()) {
                        ProducedArtifact artifact = artifacts.get(in.name());
                        if (artifact != null) {
                            inputs.add(artifact);
                        }
                    }
                }

                /** Decides what the provider reported, and the artifacts it stored when it succeeded. */
                void produce() {
                    String provider = action.actionTypeId().provider();
                    String category = action.actionTypeId().category();
                    Map<String, String> config = action.configurationOrEmpty();
                    if (approval()) {
                        summary = status == ActionExecutionStatus.Succeeded ? "Looks good" : null;
                    } else if ("Source".equals(category) && "S3".equals(provider)) {
                        String etag = hex(32);
                        if (status == ActionExecutionStatus.Failed) {
                            errorCode = "RevisionUnavailable";
                            errorMessage = "Could not read s3://" + config.get("S3Bucket") + "/" + config.get("S3ObjectKey")
                                    + ": The specified version does not exist.";
                        } else {
                            externalId = sourceVersion;
                            summary = "Amazon S3 version id: " + sourceVersion;
                            outputVariables.put("BucketName", config.get("S3Bucket"));
                            outputVariables.put("ObjectKey", config.get("S3ObjectKey"));
                            outputVariables.put("ETag", etag);
                            outputVariables.put("VersionId", sourceVersion);
                            recordRevision(sourceVersion, etag, summary, null);
                        }
                    } else if ("Source".equals(category)) {
                        if (status == ActionExecutionStatus.Failed) {
                            errorCode = "RevisionUnavailable";
                            errorMessage = "Could not fetch branch " + config.getOrDefault("BranchName", "main") + ": not found";
                        } else {
                            externalId = sourceVersion;
                            summary = "Merge pull request #" + (100 + random.nextInt(9000)) + " from feature/change-" + random.nextInt(1000);
                            outputVariables.put("CommitId", sourceVersion);
                            outputVariables.put("BranchName", config.getOrDefault("BranchName", "main"));
                            recordRevision(sourceVersion, sourceVersion, summary, null);
                        }
                    } else if ("CodeBuild".equals(provider)) {
                        String buildId = config.getOrDefault("ProjectName", "build") + ":" + uuid();
                        externalId = buildId;
                        externalUrl = "http://127.0.0.1:8080/conveyor/v1/builds/"
                                + java.net.URLEncoder.encode(buildId, StandardCharsets.UTF_8) + "/log";
                        if (status == ActionExecutionStatus.Failed) {
                            errorCode = "JobFailed";
                            errorMessage = random.nextBoolean()
                                    ? "Build failed in phase BUILD: COMMAND_EXECUTION_ERROR: Error while executing command: "
                                    + "./gradlew build. Reason: exit status 1; " + (1 + random.nextInt(5)) + " of "
                                    + (200 + random.nextInt(300)) + " tests failed"
                                    : "Build failed in phase INSTALL: COMMAND_EXECUTION_ERROR: Error while executing command: "
                                    + "npm ci. Reason: exit status 1";
                        } else if (status == ActionExecutionStatus.Succeeded) {
                            summary = "Build " + buildId + " succeeded; " + (200 + random.nextInt(300)) + " tests passed";
                        }
                    } else {
                        // A provider without a built-in runner (CodeDeploy and the like): a job worker ran it.
                        externalId = "d-" + randomString(UPPER_ALNUM, 9);
                        if (status == ActionExecutionStatus.Failed) {
                            errorCode = "JobFailed";
                            errorMessage = "Deployment " + externalId + " failed: " + (1 + random.nextInt(3))
                                    + " of 4 instances failed (ScriptFailed in ApplicationStart)";
                        } else if (status == ActionExecutionStatus.Succeeded) {
                            summary = "Deployment " + externalId + " succeeded on 4 instances";
                        }
                    }
                    if (status == ActionExecutionStatus.Abandoned) {
                        summary = "Abandoned: the execution was stopped";
                    } else if (status == ActionExecutionStatus.Failed) {
                        summary = errorMessage;
                    }
                    if (status == ActionExecutionStatus.Succeeded) {
                        for (OutputArtifact out : action.outputArtifactsOrEmpty()) {
                            long size = out.name().contains("Source") ? 20_000 + random.nextInt(2_000_000) : 500_000 + random.nextInt(30_000_000);
                            ProducedArtifact artifact = new ProducedArtifact(out.name(), artifactKey(out.name()),
                                    randomString(ALPHANUMERIC, 32), hex(64), size, this, ended.minusMillis(20 + random.nextInt(400)));
                            outputs.add(artifact);
                            artifacts.put(out.name(), artifact);
                        }
                    }
                }

                private void recordRevision(String revision, String changeId, String revisionSummary, String url) {
                    ObjectNode entry = artifactRevisions.addObject();
                    List<OutputArtifact> outs = action.outputArtifactsOrEmpty();
                    entry.put("name", outs.isEmpty() ? action.name() : outs.getFirst().name());
                    entry.put("actionName", action.name());
                    entry.put("revisionId", revision);
                    entry.put("revisionChangeIdentifier", changeId);
                    entry.put("revisionSummary", revisionSummary);
                    if (url != null) {
                        entry.put("revisionUrl", url);
                    }
                    entry.put("created", start.minusSeconds(1 + random.nextInt(30)).toEpochMilli());
                }

                void insert(Connection c) throws SQLException {
                    Duration timeout = approval() && action.timeoutInMinutes() == null ? Duration.ofDays(7) : timeouts.timeoutOf(action);
                    String worker = approval() ? "arn:aws:iam::" + AwsJsonRequest.ACCOUNT_ID + ":user/release-manager"
                            : runsEmbedded() ? embeddedWorker : "caller:AKIA" + randomString(UPPER_ALNUM, 16);
                    executions.insert(c, new ActionExecutionRow(id, Run.this.id, pipeline.name(), pipeline.version(), stage.name(),
                            action.name(), 1, action.effectiveRunOrder(), status, inputJson(), outputJson(), summary, errorCode,
                            errorMessage, externalId, externalUrl, null, approval() ? uuid() : null,
                            status == ActionExecutionStatus.Abandoned ? null : worker, started.plus(timeout), started, ended));
                    counts.row("action_execution");
                    if (!approval()) {
                        JobStatus jobStatus = status == ActionExecutionStatus.Succeeded ? JobStatus.Succeeded : JobStatus.Failed;
                        jobs.insert(c, new JobRow(keys.next(), id, Run.this.id, action.actionTypeId(), jobStatus, jobJson(timeout),
                                uuid(), worker, 1, ended.plus(LEASE), started, ended));
                        counts.row("job");
                    }
                    for (ProducedArtifact in : inputs) {
                        PreparedStatement s = inserts.consumption;
                        s.setLong(1, in.producer().artifactIdsFrom + in.producer().outputs.indexOf(in));
                        s.setString(2, pipeline.name());
                        s.setString(3, Run.this.id);
                        s.setString(4, stage.name());
                        s.setString(5, action.name());
                        s.setString(6, id);
                        s.setLong(7, started.plusMillis(100 + random.nextInt(700)).toEpochMilli());
                        s.executeUpdate();
                        counts.row("artifact_consumption");
                    }
                    for (int i = 0; i < outputs.size(); i++) {
                        ProducedArtifact out = outputs.get(i);
                        PreparedStatement s = inserts.artifact;
                        s.setString(1, bucket);
                        s.setString(2, out.key());
                        s.setString(3, out.versionId());
                        s.setString(4, out.name());
                        s.setString(5, out.sha256());
                        s.setLong(6, out.size());
                        s.setString(7, pipeline.name());
                        s.setString(8, Run.this.id);
                        s.setString(9, stage.name());
                        s.setString(10, action.name());
                        s.setString(11, id);
                        s.setLong(12, out.at().toEpochMilli());
                        s.executeUpdate();
                        try (ResultSet keys = s.getGeneratedKeys()) {
                            keys.next();
                            long artifactId = keys.getLong(1);
                            if (i == 0) {
                                artifactIdsFrom = artifactId;
                            } else if (artifactId != artifactIdsFrom + i) {
                                throw new IllegalStateException("artifact ids are not consecutive");
                            }
                        }
                        counts.row("artifact");
                    }
                }

                private boolean runsEmbedded() {
                    String provider = action.actionTypeId().provider();
                    return "AWS".equals(action.actionTypeId().owner()) && (provider.equals("S3") || provider.equals("CodeBuild")
                            || provider.equals("CodeCommit") || provider.equals("CodeStarSourceConnection")
                            || provider.equals("Commands"));
                }

                /** ActionExecutionInput, as ActionLauncher records it. */
                private String inputJson() {
                    ObjectNode input = JSON.createObjectNode();
                    input.set("actionTypeId", actionTypeId());
                    input.set("configuration", stringMap(action.configurationOrEmpty()));
                    input.set("resolvedConfiguration", stringMap(action.configurationOrEmpty()));
                    if (action.roleArn() != null) {
                        input.put("roleArn", action.roleArn());
                    }
                    input.put("region", action.region() == null ? region : action.region());
                    ArrayNode inputArtifacts = input.putArray("inputArtifacts");
                    for (InputArtifact in : action.inputArtifactsOrEmpty()) {
                        ObjectNode node = inputArtifacts.addObject().put("name", in.name());
                        ProducedArtifact artifact = artifacts.get(in.name());
                        if (artifact != null) {
                            node.putObject("s3location").put("bucket", bucket).put("key", artifact.key());
                        }
                    }
                    if (action.namespace() != null) {
                        input.put("namespace", action.namespace());
                    }
                    return ConveyorJson.write(input);
                }

                /** ActionExecutionOutput, as the engine settles the action (success, failure) or null (abandoned). */
                private String outputJson() {
                    ObjectNode output = JSON.createObjectNode();
                    switch (status) {
                        case Succeeded -> {
                            ArrayNode list = output.putArray("outputArtifacts");
                            for (ProducedArtifact out : outputs) {
                                list.addObject().put("name", out.name()).putObject("s3location").put("bucket", bucket).put("key", out.key());
                            }
                            ObjectNode result = output.putObject("executionResult");
                            putIfPresent(result, "externalExecutionId", externalId);
                            putIfPresent(result, "externalExecutionSummary", summary);
                            putIfPresent(result, "externalExecutionUrl", externalUrl);
                            output.set("outputVariables", stringMap(outputVariables));
                        }
                        case Failed -> {
                            ObjectNode result = output.putObject("executionResult");
                            result.putObject("errorDetails").put("code", errorCode).put("message", errorMessage);
                            putIfPresent(result, "externalExecutionId", externalId);
                        }
                        default -> {
                            return null;
                        }
                    }
                    return ConveyorJson.write(output);
                }

                /** The job's data as ActionLauncher queued it: the API's JobData plus what built-in providers need. */
                private String jobJson(Duration timeout) {
                    ObjectNode jobData = JSON.createObjectNode();
                    jobData.set("actionTypeId", actionTypeId());
                    jobData.putObject("actionConfiguration").set("configuration", stringMap(action.configurationOrEmpty()));
                    ObjectNode context = jobData.putObject("pipelineContext");
                    context.put("pipelineName", pipeline.name());
                    context.putObject("stage").put("name", stage.name());
                    context.putObject("action").put("name", action.name()).put("actionExecutionId", id);
                    context.put("pipelineArn", pipeline.arn());
                    context.put("pipelineExecutionId", Run.this.id);
                    ArrayNode in = jobData.putArray("inputArtifacts");
                    for (ProducedArtifact artifact : inputs) {
                        in.add(jobArtifact(artifact.name(), artifact.key()));
                    }
                    ArrayNode out = jobData.putArray("outputArtifacts");
                    for (OutputArtifact artifact : action.outputArtifactsOrEmpty()) {
                        out.add(jobArtifact(artifact.name(), artifactKey(artifact.name())));
                    }
                    ObjectNode data = JSON.createObjectNode();
                    data.set("jobData", jobData);
                    ArrayNode commands = data.putArray("commands");
                    if (action.commands() != null) {
                        action.commands().forEach(commands::add);
                    }
                    data.set("environmentVariables", JSON.createObjectNode());
                    data.set("outputArtifactFiles", JSON.createObjectNode());
                    data.put("timeoutSeconds", timeout.toSeconds());
                    data.put("artifactBucket", bucket);
                    if (sourceRevisionsJson != null && stageIndex == 0) {
                        data.set("sourceRevision", JSON.createObjectNode().put("actionName", action.name())
                                .put("revisionType", "S3".equals(action.actionTypeId().provider()) ? "S3_OBJECT_VERSION_ID" : "COMMIT_ID")
                                .put("revisionValue", sourceVersion));
                    }
                    return ConveyorJson.write(data);
                }

                private ObjectNode jobArtifact(String name, String key) {
                    ObjectNode node = JSON.createObjectNode().put("name", name);
                    node.putObject("location").put("type", "S3").putObject("s3Location").put("bucketName", bucket).put("objectKey", key);
                    return node;
                }

                private ObjectNode actionTypeId() {
                    return JSON.createObjectNode().put("category", action.actionTypeId().category())
                            .put("owner", action.actionTypeId().owner()).put("provider", action.actionTypeId().provider())
                            .put("version", action.actionTypeId().version());
                }
            }
        }

        /** How long an action of this kind runs. */
        private Duration durationOf(ActionDeclaration action) {
            String category = action.actionTypeId().category();
            return switch (category) {
                case "Source" -> Duration.ofMillis(1_500 + random.nextInt(6_000));
                case "Build", "Test" -> Duration.ofSeconds(60 + random.nextInt(540));
                case "Deploy" -> Duration.ofSeconds(30 + random.nextInt(210));
                case "Approval" -> Duration.ofMinutes(5 + random.nextInt(115));
                default -> Duration.ofSeconds(10 + random.nextInt(110));
            };
        }

        /** CodePipeline's artifact key layout (ObjectArtifactStore.keyFor). */
        private String artifactKey(String artifactName) {
            return truncate(pipeline.name(), 20) + "/" + truncate(artifactName, 10) + "/" + randomString(ALPHANUMERIC, 7);
        }

        private String uuid() {
            long most = (random.nextLong() & ~0xF000L) | 0x4000L;
            long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(most, least).toString();
        }

        private String hex(int digits) {
            StringBuilder s = new StringBuilder(digits);
            for (int i = 0; i < digits; i++) {
                s.append(Character.forDigit(random.nextInt(16), 16));
            }
            return s.toString();
        }

        private String randomString(char[] alphabet, int length) {
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            return new String(chars);
        }
    }

    private static ObjectNode stringMap(Map<String, String> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach(node::put);
        return node;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String truncate(String s, int length) {
        return s.length() <= length ? s : s.substring(0, length);
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
