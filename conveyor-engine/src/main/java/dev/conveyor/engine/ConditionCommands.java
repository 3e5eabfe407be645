package dev.conveyor.engine;

import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.JobRule;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.model.errors.ConditionNotOverridableException;
import dev.conveyor.model.errors.ConflictException;
import dev.conveyor.model.errors.InvalidJobStateException;
import dev.conveyor.model.errors.JobNotFoundException;
import dev.conveyor.model.errors.NotLatestPipelineExecutionException;
import dev.conveyor.model.errors.PipelineExecutionNotFoundException;
import dev.conveyor.model.errors.PipelineExecutionOutdatedException;
import dev.conveyor.model.errors.StageNotFoundException;
import dev.conveyor.model.errors.UnableToRollbackStageException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.JobRepository;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The commands of stage conditions and rollbacks: RollbackStage, OverrideStageCondition, and the engine's own
 * recording of rule outcomes and rule timeouts. Like every engine command, each is one transaction under the
 * pipeline's row lock that writes the change and advances the pipeline.
 */
public final class ConditionCommands {
    private final ExecutionEngine engine;
    private final Database db;
    private final ExecutionRepository executions;
    private final PipelineDeclarations declarations;
    private final StageOutcomes outcomes;
    private final ExecutionAdvancer advancer;
    private final JobRepository jobs;

    ConditionCommands(ExecutionEngine engine, Database db, ExecutionRepository executions, JobRepository jobs,
                      PipelineDeclarations declarations, StageOutcomes outcomes, ExecutionAdvancer advancer) {
        this.engine = engine;
        this.jobs = jobs;
        this.db = db;
        this.executions = executions;
        this.declarations = declarations;
        this.outcomes = outcomes;
        this.advancer = advancer;
    }

    /**
     * Rolls {@code stageName} back to {@code targetExecutionId} (RollbackStage): starts a ROLLBACK execution (trigger
     * ManualRollback by {@code caller}) and returns its id, or refuses as CodePipeline does.
     */
    public String rollbackStage(String pipelineName, String stageName, String targetExecutionId, String caller) {
        return engine.inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            int index = stageIndex(pipeline, stageName);
            if (index < 0) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName");
            }
            StageDeclaration stage = pipeline.stages().get(index);
            boolean source = stage.actionsOrEmpty().stream().anyMatch(a -> a.actionTypeId() != null && "Source".equals(a.actionTypeId().category()));
            if (index == 0 || source) {
                throw new UnableToRollbackStageException("Stage '" + stageName + "' is a source stage, which cannot be rolled back", "stageName");
            }
            PipelineExecutionRow target = executions.findExecution(tx.connection, targetExecutionId)
                    .filter(e -> e.pipelineName().equals(pipelineName))
                    .orElseThrow(() -> new PipelineExecutionNotFoundException("Pipeline '" + pipelineName + "' has no execution with id "
                            + targetExecutionId, "targetPipelineExecutionId"));
            if (StageRollbacks.ROLLBACK.equals(target.executionType())) {
                throw new UnableToRollbackStageException("Execution " + targetExecutionId + " is itself a rollback; roll back to a "
                        + "STANDARD execution", "targetPipelineExecutionId");
            }
            if (target.pipelineVersion() != locked.version()) {
                throw new PipelineExecutionOutdatedException("Execution " + targetExecutionId + " ran version " + target.pipelineVersion()
                        + " of the pipeline, which is now at version " + locked.version() + "; only an execution of the current "
                        + "version can be a rollback target", "targetPipelineExecutionId");
            }
            if (!outcomes.rollbacks().succeededIn(tx, targetExecutionId, stageName)) {
                throw new UnableToRollbackStageException("Execution " + targetExecutionId + " did not succeed in stage '" + stageName
                        + "', so the stage cannot be rolled back to it", "targetPipelineExecutionId");
            }
            if (executions.stageOccupiedByOther(tx.connection, pipelineName, stageName, "")) {
                throw new ConflictException("Stage '" + stageName + "' has an execution in progress; roll it back once it settles");
            }
            PipelineExecutionRow rollback = outcomes.rollbacks().start(tx, pipeline, stageName, target, "ManualRollback", caller);
            advancer.advancePipeline(tx, pipelineName);
            return rollback.id();
        });
    }

    private static int stageIndex(PipelineDeclaration pipeline, String stageName) {
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Overrides the in-progress BEFORE_ENTRY or ON_SUCCESS condition of a stage in its latest execution
     * (OverrideStageCondition): the condition counts as met and the execution goes on.
     */
    public void overrideStageCondition(String pipelineName, String stageName, String executionId, String conditionType,
                                       String caller) {
        if (!ConditionExecutionRow.BEFORE_ENTRY.equals(conditionType) && !ConditionExecutionRow.ON_SUCCESS.equals(conditionType)) {
            throw new ValidationException("conditionType must be BEFORE_ENTRY or ON_SUCCESS", "conditionType");
        }
        engine.inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            if (stageIndex(pipeline, stageName) < 0) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName");
            }
            StageExecutionRow latest = executions.latestStageExecutions(tx.connection, pipelineName).stream()
                    .filter(s -> s.stageName().equals(stageName)).findFirst().orElse(null);
            if (latest == null || !latest.pipelineExecutionId().equals(executionId)) {
                throw new NotLatestPipelineExecutionException("Execution " + executionId + " is not the latest execution of stage '"
                        + stageName + "'; only the latest execution's conditions can be overridden");
            }
            if (latest.status() != StageExecutionStatus.InProgress
                    || !outcomes.conditions().override(tx, latest, conditionType, caller)) {
                throw new ConditionNotOverridableException("Stage '" + stageName + "' of execution " + executionId + " has no "
                        + conditionType + " condition in progress to override", "conditionType");
            }
            advancer.advancePipeline(tx, pipelineName);
            return null;
        });
    }

    /** Records what a rule's provider answered and advances the pipeline. */
    void settleRule(RuleExecutionRow evaluated, RuleOutcome outcome) {
        engine.inPipeline(evaluated.pipelineName(), (tx, locked) -> {
            RuleExecutionRow row = outcomes.conditions().repository().findRule(tx.connection, evaluated.id()).orElse(null);
            if (row == null || row.settled()) {
                return null; // overridden, stopped or timed out meanwhile
            }
            recordOutcome(tx, row, outcome);
            return null;
        });
    }

    /**
     * Writes a rule's outcome in the caller's transaction; one that settles the rule also fails its unfinished jobs (a
     * worker running one stops it), settles its condition and advances the pipeline.
     */
    void recordOutcome(ExecutionTx tx, RuleExecutionRow row, RuleOutcome outcome) throws SQLException {
        ConditionRepository repository = outcomes.conditions().repository();
        switch (outcome) {
            case RuleOutcome.Succeeded s -> repository.update(tx.connection, row.settle("Succeeded",
                    StageConditions.outputJson(s.externalExecutionId(), s.summary(), s.externalExecutionUrl(), null, null), s.summary(), null, null,
                    s.externalExecutionId(), s.externalExecutionUrl(), tx.now));
            case RuleOutcome.Failed f -> repository.update(tx.connection, row.settle("Failed",
                    StageConditions.outputJson(f.externalExecutionId(), null, f.externalExecutionUrl(), f.code(), f.message()), f.message(), f.code(),
                    f.message(), f.externalExecutionId(), f.externalExecutionUrl(), tx.now));
            case RuleOutcome.Waiting w -> {
                Instant next = w.nextCheckAt() == null || w.nextCheckAt().isBefore(tx.now) ? tx.now : w.nextCheckAt();
                repository.update(tx.connection, row.waiting(w.summary(), w.state(), w.externalExecutionId(),
                        w.externalExecutionUrl(), next, tx.now));
                tx.changed(row.pipelineName(), row.pipelineExecutionId());
                return;
            }
        }
        repository.failJobsOf(tx.connection, row.id(), tx.now);
        outcomes.conditions().settle(tx, row.conditionExecutionId());
        tx.changed(row.pipelineName(), row.pipelineExecutionId());
        advancer.advancePipeline(tx, row.pipelineName());
    }

    /**
     * Takes a worker's result for the job of a rule that runs as a job (see {@link JobRule}): a success settles the rule
     * Succeeded (with a continuation token, the job is queued again with it and the rule goes on), a failure settles it
     * Failed with the failure's type and message. The rule's link is the worker's, else its log's.
     */
    void completeRuleJob(String jobId, JobOutcome outcome) {
        ConditionRepository repository = outcomes.conditions().repository();
        RuleExecutionRow found = db.read(c -> {
            String ruleId = repository.ruleOfJob(c, jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
            return repository.findRule(c, ruleId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
        });
        engine.inPipeline(found.pipelineName(), (tx, locked) -> {
            JobRow job = jobs.find(tx.connection, jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
            if (job.status().isFinished()) {
                throw new InvalidJobStateException("Job " + jobId + " is already " + job.status());
            }
            RuleExecutionRow rule = repository.findRule(tx.connection, found.id()).orElseThrow();
            if (rule.settled()) {
                throw new InvalidJobStateException("The rule of job " + jobId + " is " + rule.status() + " and takes no result");
            }
            String logLink = logLink(rule);
            switch (outcome) {
                case JobOutcome.Success s when s.continuationToken() != null -> {
                    outcomes.conditions().jobs().continueWith(tx, job, rule.id(), s.continuationToken());
                    repository.update(tx.connection, rule.waiting(s.summary() != null ? s.summary() : "Continuing with token "
                            + s.continuationToken(), rule.providerState(), s.externalExecutionId(), s.externalExecutionUrl(),
                            rule.nextCheckAt(), tx.now));
                    tx.changed(rule.pipelineName(), rule.pipelineExecutionId());
                }
                case JobOutcome.Success s -> {
                    jobs.update(tx.connection, job.withStatus(JobStatus.Succeeded, tx.now));
                    recordOutcome(tx, rule, new RuleOutcome.Succeeded(s.summary() != null ? s.summary() : "The rule's job " + jobId + " succeeded",
                            s.externalExecutionId() != null ? s.externalExecutionId() : jobId,
                            s.externalExecutionUrl() != null ? s.externalExecutionUrl() : logLink));
                }
                case JobOutcome.Failure f -> {
                    jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
                    recordOutcome(tx, rule, new RuleOutcome.Failed(f.type() == null ? "JobFailed" : f.type(),
                            f.message() == null ? "The rule's job failed" : f.message(),
                            f.externalExecutionId() != null ? f.externalExecutionId() : jobId,
                            f.externalExecutionUrl() != null ? f.externalExecutionUrl() : logLink));
                }
            }
            return null;
        });
    }

    /** The link to the log of a rule that runs as a job, or null for another rule. */
    private String logLink(RuleExecutionRow rule) {
        return outcomes.conditions().providers().find(rule.provider())
                .map(p -> p instanceof JobRule j ? j.logLinkOf(rule.id()) : null).orElse(null);
    }

    /** Fails, in the caller's transaction, the rule whose job's worker stopped responding once too often. */
    void workerLost(ExecutionTx tx, JobRow job, String message) throws SQLException {
        ConditionRepository repository = outcomes.conditions().repository();
        jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
        String ruleId = repository.ruleOfJob(tx.connection, job.id()).orElse(null);
        RuleExecutionRow rule = ruleId == null ? null : repository.findRule(tx.connection, ruleId).orElse(null);
        if (rule != null && !rule.settled()) {
            recordOutcome(tx, rule, new RuleOutcome.Failed("SystemUnavailable", message, job.id(), logLink(rule)));
        }
    }

    /** The pipeline of a rule's job, or null when the job is not a rule's (or is gone). */
    String pipelineOfRuleJob(java.sql.Connection c, String jobId) throws SQLException {
        ConditionRepository repository = outcomes.conditions().repository();
        String ruleId = repository.ruleOfJob(c, jobId).orElse(null);
        return ruleId == null ? null : repository.findRule(c, ruleId).map(RuleExecutionRow::pipelineName).orElse(null);
    }

    /** Fails the rules past their deadline, saying where a rule's job stood. */
    void timeOutRules(Instant now) {
        List<RuleExecutionRow> overdue = db.read(c -> outcomes.conditions().repository().overdueRules(c, now));
        for (RuleExecutionRow row : overdue) {
            Duration allowed = Duration.between(row.startedAt(), row.deadlineAt());
            String job = db.read(c -> outcomes.conditions().repository().unfinishedJobStatus(c, row.id())).map(status -> switch (status) {
                case "Queued" -> ": no worker polled for its job";
                case "Dispatched" -> ": the worker that polled its job never acknowledged it";
                case "InProgress" -> ": the worker running its job reported no result and was told to stop";
                default -> "";
            }).orElse("");
            settleRule(row, new RuleOutcome.Failed("JobFailed", "The rule did not finish within " + allowed.toMinutes()
                    + " minutes and timed out" + job + (row.summary() == null || !job.isEmpty() ? "" : " (" + row.summary() + ")"),
                    row.externalExecutionId(), row.externalExecutionUrl() != null ? row.externalExecutionUrl() : logLink(row)));
        }
    }
}
