package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.engine.jobs.JobSignal;
import dev.conveyor.engine.rules.CloudWatchAlarmRule;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.ConditionsSchema;
import dev.conveyor.engine.rules.DeploymentWindowRule;
import dev.conveyor.engine.rules.RuleProviders;
import dev.conveyor.engine.rules.VariableCheckRule;
import dev.conveyor.model.errors.ActionNotFoundException;
import dev.conveyor.model.errors.ApprovalAlreadyCompletedException;
import dev.conveyor.model.errors.ConcurrentPipelineExecutionsLimitExceededException;
import dev.conveyor.model.errors.DuplicatedStopRequestException;
import dev.conveyor.model.errors.InvalidApprovalTokenException;
import dev.conveyor.model.errors.InvalidJobStateException;
import dev.conveyor.model.errors.InvalidNonceException;
import dev.conveyor.model.errors.JobNotFoundException;
import dev.conveyor.model.errors.NotLatestPipelineExecutionException;
import dev.conveyor.model.errors.PipelineExecutionNotFoundException;
import dev.conveyor.model.errors.PipelineExecutionNotStoppableException;
import dev.conveyor.model.errors.PipelineNotFoundException;
import dev.conveyor.model.errors.StageNotFoundException;
import dev.conveyor.model.errors.StageNotRetryableException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineVariableDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ActionRevisionRepository;
import dev.conveyor.store.execution.ActionRevisionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.JobRepository;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import dev.conveyor.store.execution.TransitionRepository;
import dev.conveyor.store.execution.TransitionRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's commands: start, stop and retry executions, approve or reject, disable and enable transitions,
 * and take job results from workers. Each command is one transaction under the pipeline's row lock that writes
 * the change and advances the pipeline's executions as far as they can go; what follows (waking workers, telling
 * listeners) happens only after the commit. Any server replica may run any command.
 */
public final class ExecutionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEngine.class);
    /** CodePipeline's limit on executions in flight for QUEUED and PARALLEL pipelines. */
    static final int MAX_ACTIVE_EXECUTIONS = 50;

    private final Database db;
    private final ExecutionRepository executions;
    private final JobRepository jobs;
    private final TransitionRepository transitions;
    private final ActionRevisionRepository actionRevisions = new ActionRevisionRepository();
    private final PipelineDeclarations declarations;
    private final ActionLauncher launcher;
    private final ExecutionAdvancer advancer;
    private final EngineConfig config;
    private final Clock clock;
    private final JobSignal jobSignal = new JobSignal();
    /**
     * Whose the jobs this process queued are (their action and its pipeline: facts that never change), remembered
     * after the commit that made them, so that a job's result takes the pipeline's lock without first asking the
     * database whose job it is (a statement per action, issue 20). A job queued by another replica, or forgotten,
     * is looked up as before; the transaction then reads the job and its action under the lock either way. An entry
     * is removed when a result for its job arrives, whatever becomes of that result.
     */
    private final Cache<String, JobRepository.JobOwner> jobOwners = Caffeine.newBuilder().maximumSize(10_000).build();
    private final JobDataContributors contributors = new JobDataContributors();
    private final Map<ActionTypeId, JobRequestHandler> requestHandlers = new ConcurrentHashMap<>();
    private final Map<String, JobRequestHandler> requestHandlersByType = new ConcurrentHashMap<>();
    private volatile JobGate jobGate = JobGate.OPEN;
    private final List<ExecutionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TransitionRecorder> recorders = new CopyOnWriteArrayList<>();
    // Stage conditions, rules, automatic retries and rollbacks (issue 16): kept in classes of their own.
    private final ConditionRepository conditionRepository = new ConditionRepository();
    private final RuleProviders ruleProviders;
    private final ConditionCommands conditionCommands;
    private final RuleRunner ruleRunner;

    public ExecutionEngine(Database db, PipelineDeclarations declarations, EngineConfig config, Clock clock) {
        this.db = db;
        this.executions = new ExecutionRepository();
        this.jobs = new JobRepository();
        this.transitions = new TransitionRepository();
        this.declarations = declarations;
        this.config = config;
        this.clock = clock;
        this.launcher = new ActionLauncher(executions, jobs, config, contributors);
        ConditionsSchema.migrate(db);
        this.ruleProviders = new RuleProviders()
                .register(new VariableCheckRule())
                .register(new DeploymentWindowRule())
                .register(new CloudWatchAlarmRule(config.alarmStates()));
        StageOutcomes outcomes = new StageOutcomes(executions, new StageConditions(conditionRepository, ruleProviders, config,
                new RuleJobs(jobs, conditionRepository, config)), new StageRollbacks(executions, conditionRepository));
        this.advancer = new ExecutionAdvancer(executions, transitions, declarations, launcher, outcomes);
        this.conditionCommands = new ConditionCommands(this, db, executions, jobs, declarations, outcomes, advancer);
        this.ruleRunner = new RuleRunner(db, conditionRepository, ruleProviders, clock, conditionCommands::settleRule);
        // Jobs queued by other replicas wake this one's long polls at once (issue 19), not at their next timeout.
        db.changes().subscribe(JOBS_TOPIC, new dev.conveyor.store.changes.ChangeFeed.Listener() {
            @Override
            public void changed(String key) {
                jobSignal.signal();
            }

            @Override
            public void gap() {
                jobSignal.signal();
            }
        });
    }

    /** RollbackStage and OverrideStageCondition. */
    public ConditionCommands conditions() {
        return conditionCommands;
    }

    /** The rule providers stage conditions run; the server registers those that reach other services. */
    public RuleProviders ruleProviders() {
        return ruleProviders;
    }

    /** The change feed's topic announcing that jobs were queued (in any replica). */
    static final String JOBS_TOPIC = "jobs";

    public EngineConfig config() {
        return config;
    }

    public JobSignal jobSignal() {
        return jobSignal;
    }

    public void addListener(ExecutionListener listener) {
        listeners.add(listener);
    }

    /** Adds a recorder that writes inside every engine transaction, before its commit (the events outbox). */
    public void addTransitionRecorder(TransitionRecorder recorder) {
        recorders.add(recorder);
    }

    /** Adds data to every job of {@code type} as it is queued (see {@link JobDataContributor}); one per type. */
    public void contributeJobData(ActionTypeId type, JobDataContributor contributor) {
        contributors.register(type, contributor);
    }

    /** Answers requests that providers of {@code type} make about their jobs (see {@link JobRequestHandler}); one per type. */
    public void handleJobRequests(ActionTypeId type, JobRequestHandler handler) {
        requestHandlers.put(type, handler);
    }

    /**
     * Answers requests of one {@code "type"} that any job may make, whatever its action type (e.g. for its role's
     * credentials); one handler per type, consulted before the action type's.
     */
    public void handleJobRequestsOfType(String requestType, JobRequestHandler handler) {
        requestHandlersByType.put(requestType, handler);
    }

    /**
     * Routes a provider's request about its job to the handler of the job's action type. The worker must be the one
     * the job was last handed to; the job may have finished since.
     */
    public JsonNode jobRequest(String jobId, String workerId, JsonNode request) {
        JobRow job = findJob(jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
        if (!workerId.equals(job.workerId())) {
            throw new InvalidJobStateException("Job " + jobId + " is not held by worker " + workerId);
        }
        JobRequestHandler common = request == null ? null : requestHandlersByType.get(request.path("type").asText(""));
        if (common != null) {
            return common.handle(job, request);
        }
        JobRequestHandler handler = requestHandlers.get(job.actionTypeId());
        if (handler == null) {
            throw new InvalidJobStateException("Jobs of provider " + job.actionTypeId().provider() + " take no requests");
        }
        return handler.handle(job, request);
    }

    // ---- executions

    /** Starts an execution of the pipeline's current version; returns its id. Idempotent per clientRequestToken. */
    public String startExecution(StartRequest request) {
        return inPipeline(request.pipelineName(), starting(request));
    }

    /**
     * Starts an execution as {@link #startExecution} does, but in the caller's transaction on {@code c}, which must
     * commit before the returned action runs: CreatePipeline stores the pipeline and starts its first execution in
     * one transaction (issue 20: one commit, not two, per request). A {@code ServiceException} (a variable without a
     * default value, say) is thrown before this has written anything, so the caller may still commit its own writes.
     */
    public Runnable startExecutionIn(Connection c, StartRequest request) throws SQLException {
        ExecutionTx[] done = new ExecutionTx[1];
        inPipelineOn(c, request.pipelineName(), starting(request), done);
        return () -> afterCommit(done[0]);
    }

    private PipelineWork<String> starting(StartRequest request) {
        return (tx, locked) -> {
            if (request.clientRequestToken() != null) {
                Optional<PipelineExecutionRow> existing = executions.findByClientToken(tx.connection, request.pipelineName(), request.clientRequestToken());
                if (existing.isPresent()) {
                    return existing.get().id();
                }
            }
            PipelineDeclaration pipeline = declarations.get(tx.connection, request.pipelineName(), locked.version());
            String variables = resolvePipelineVariables(pipeline, request.variables());
            String overrides = sourceRevisionOverrides(pipeline, request.sourceRevisions());
            String mode = pipeline.effectiveExecutionMode();
            if (!"SUPERSEDED".equals(mode) && executions.activeExecutions(tx.connection, request.pipelineName()).size() >= MAX_ACTIVE_EXECUTIONS) {
                throw new ConcurrentPipelineExecutionsLimitExceededException("The pipeline already has " + MAX_ACTIVE_EXECUTIONS
                        + " executions in progress, the limit for " + mode + " mode");
            }
            long sequence = executions.nextSequence(tx.connection, locked);
            PipelineExecutionRow execution = new PipelineExecutionRow(UUID.randomUUID().toString(), request.pipelineName(),
                    locked.version(), sequence, PipelineExecutionStatus.InProgress, null, mode, "STANDARD",
                    request.triggerType(), request.triggerDetail(), request.clientRequestToken(), variables, overrides, "[]",
                    null, null, tx.now, tx.now);
            executions.insert(tx.connection, execution);
            tx.changed(execution.pipelineName(), execution.id());
            advancer.advancePipeline(tx, request.pipelineName());
            return execution.id();
        };
    }

    private static String resolvePipelineVariables(PipelineDeclaration pipeline, List<StartRequest.NameValue> overrides) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < overrides.size(); i++) {
            StartRequest.NameValue v = overrides.get(i);
            boolean declared = pipeline.variablesOrEmpty().stream().anyMatch(d -> d.name().equals(v.name()));
            if (!declared) {
                throw new ValidationException("Variable '" + v.name() + "' is not declared by pipeline '" + pipeline.name()
                        + "' (at variables[" + i + "].name)", "variables[" + i + "].name");
            }
            if (given.put(v.name(), v.value()) != null) {
                throw new ValidationException("Variable '" + v.name() + "' is given more than once (at variables[" + i + "].name)",
                        "variables[" + i + "].name");
            }
        }
        ArrayNode resolved = ActionJson.array();
        for (PipelineVariableDeclaration declared : pipeline.variablesOrEmpty()) {
            String value = given.getOrDefault(declared.name(), declared.defaultValue());
            if (value == null) {
                throw new ValidationException("Variable '" + declared.name() + "' has no default value, so a value must be given "
                        + "when the execution starts", "variables");
            }
            resolved.addObject().put("name", declared.name()).put("resolvedValue", value);
        }
        return ActionJson.write(resolved);
    }

    private static String sourceRevisionOverrides(PipelineDeclaration pipeline, List<StartRequest.SourceRevisionOverride> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return null;
        }
        ArrayNode list = ActionJson.array();
        StageDeclaration first = pipeline.stages().getFirst();
        for (int i = 0; i < overrides.size(); i++) {
            StartRequest.SourceRevisionOverride o = overrides.get(i);
            boolean isSource = first.actionsOrEmpty().stream().anyMatch(a -> a.name().equals(o.actionName()));
            if (!isSource) {
                throw new ValidationException("sourceRevisions[" + i + "].actionName '" + o.actionName()
                        + "' is not a source action of pipeline '" + pipeline.name() + "'", "sourceRevisions[" + i + "].actionName");
            }
            list.addObject().put("actionName", o.actionName()).put("revisionType", o.revisionType()).put("revisionValue", o.revisionValue());
        }
        return ActionJson.write(list);
    }

    /** Stops an execution: abandon stops at once, otherwise running actions finish first. */
    public void stopExecution(String pipelineName, String executionId, boolean abandon, String reason) {
        inPipeline(pipelineName, (tx, locked) -> {
            PipelineExecutionRow execution = execution(tx.connection, pipelineName, executionId);
            if (execution.status() == PipelineExecutionStatus.Stopping && !abandon) {
                throw new DuplicatedStopRequestException("Execution " + executionId + " is already stopping; only a stop "
                        + "that abandons running actions can follow");
            }
            if (execution.status() != PipelineExecutionStatus.InProgress && execution.status() != PipelineExecutionStatus.Stopping) {
                throw new PipelineExecutionNotStoppableException("Execution " + executionId + " is " + execution.status()
                        + " and cannot be stopped");
            }
            String summary = reason == null || reason.isBlank() ? "Stopped by request" : reason;
            executions.update(tx.connection, execution.withStop(abandon, summary, tx.now));
            if (abandon) {
                for (ActionExecutionRow action : executions.actions(tx.connection, executionId)) {
                    if (action.status() == ActionExecutionStatus.InProgress) {
                        abandonAction(tx, action, "Abandoned: the execution was stopped");
                    }
                }
            }
            tx.changed(pipelineName, executionId);
            advancer.advancePipeline(tx, pipelineName);
            return null;
        });
    }

    private void abandonAction(ExecutionTx tx, ActionExecutionRow action, String why) throws SQLException {
        executions.update(tx.connection, action.settled(ActionExecutionStatus.Abandoned, action.outputJson(), why, null, null,
                action.updatedBy(), tx.now));
        for (JobRow job : jobs.jobsOfAction(tx.connection, action.id())) {
            if (!job.status().isFinished()) {
                jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
            }
        }
    }

    /** Retries a failed or stopped stage of the latest execution to reach it; returns the execution id. */
    public String retryStage(String pipelineName, String stageName, String executionId, String retryMode) {
        return inPipeline(pipelineName, (tx, locked) -> {
            PipelineExecutionRow execution = execution(tx.connection, pipelineName, executionId);
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, execution.pipelineVersion());
            if (pipeline.stagesOrEmpty().stream().noneMatch(s -> s.name().equals(stageName))) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in version " + execution.pipelineVersion()
                        + " of pipeline '" + pipelineName + "'", "stageName");
            }
            if (locked.version() != execution.pipelineVersion()) {
                throw new StageNotRetryableException("The pipeline was updated (version " + locked.version() + ") after execution "
                        + executionId + " ran version " + execution.pipelineVersion() + "; start a new execution instead");
            }
            if (!execution.status().isSettled()) {
                throw new StageNotRetryableException("Execution " + executionId + " is " + execution.status() + "; only a failed or "
                        + "stopped stage of a finished execution can be retried");
            }
            StageExecutionRow stage = executions.stages(tx.connection, executionId).stream()
                    .filter(s -> s.stageName().equals(stageName)).findFirst()
                    .orElseThrow(() -> new StageNotRetryableException("Execution " + executionId + " never ran stage '" + stageName + "'"));
            if (stage.status() != StageExecutionStatus.Failed && stage.status() != StageExecutionStatus.Stopped) {
                throw new StageNotRetryableException("Stage '" + stageName + "' of execution " + executionId + " is "
                        + stage.status() + "; only a failed or stopped stage can be retried");
            }
            boolean latest = executions.latestStageExecutions(tx.connection, pipelineName).stream()
                    .anyMatch(s -> s.stageName().equals(stageName) && s.pipelineExecutionId().equals(executionId));
            if (!latest) {
                throw new NotLatestPipelineExecutionException("A newer execution has run stage '" + stageName
                        + "'; only the latest execution of a stage can be retried");
            }
            executions.update(tx.connection, stage.retried(retryMode, tx.now));
            conditionRepository.recordRetry(tx.connection, executionId, stageName, false);
            executions.update(tx.connection, new PipelineExecutionRow(execution.id(), execution.pipelineName(),
                    execution.pipelineVersion(), execution.sequence(), PipelineExecutionStatus.InProgress, null,
                    execution.executionMode(), execution.executionType(), execution.triggerType(), execution.triggerDetail(),
                    execution.clientRequestToken(), execution.variablesJson(), execution.sourceRevisionsJson(),
                    execution.artifactRevisionsJson(), null, null, execution.startedAt(), tx.now));
            tx.changed(pipelineName, executionId);
            advancer.advancePipeline(tx, pipelineName);
            return executionId;
        });
    }

    /** Approves or rejects a manual approval; returns when it was recorded. */
    public Instant putApprovalResult(String pipelineName, String stageName, String actionName, String token,
                                     boolean approved, String summary, String caller) {
        return inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            StageDeclaration stage = pipeline.stagesOrEmpty().stream().filter(s -> s.name().equals(stageName)).findFirst()
                    .orElseThrow(() -> new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName"));
            stage.actionsOrEmpty().stream().filter(a -> a.name().equals(actionName)).findFirst()
                    .orElseThrow(() -> new ActionNotFoundException("Action '" + actionName + "' is not in stage '" + stageName + "'", "actionName"));
            ActionExecutionRow action = executions.findByToken(tx.connection, pipelineName, token)
                    .filter(a -> a.stageName().equals(stageName) && a.actionName().equals(actionName))
                    .orElseThrow(() -> new InvalidApprovalTokenException("The approval token is not valid for action '" + actionName
                            + "' in stage '" + stageName + "'", "token"));
            if (action.status() != ActionExecutionStatus.InProgress) {
                throw new ApprovalAlreadyCompletedException("The approval was already " + action.status());
            }
            ObjectNode output = ActionJson.object();
            ObjectNode result = output.putObject("executionResult");
            result.put("externalExecutionSummary", summary);
            if (approved) {
                executions.update(tx.connection, action.settled(ActionExecutionStatus.Succeeded, ActionJson.write(output), summary,
                        null, null, caller, tx.now));
            } else {
                String message = "Rejected by " + caller + (summary == null || summary.isBlank() ? "" : ": " + summary);
                result.putObject("errorDetails").put("code", "JobFailed").put("message", message);
                executions.update(tx.connection, action.settled(ActionExecutionStatus.Failed, ActionJson.write(output), summary,
                        "JobFailed", message, caller, tx.now));
            }
            tx.changed(pipelineName, action.pipelineExecutionId());
            advancer.advancePipeline(tx, pipelineName);
            return tx.now;
        });
    }

    /** Disables (enabled=false) or enables a stage's Inbound or Outbound transition. */
    public void setTransition(String pipelineName, String stageName, String transitionType, boolean enabled, String reason, String caller) {
        inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            if (pipeline.stagesOrEmpty().stream().noneMatch(s -> s.name().equals(stageName))) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName");
            }
            transitions.put(tx.connection, new TransitionRow(pipelineName, stageName, transitionType, enabled,
                    enabled ? null : reason, caller, tx.now));
            tx.changedPipelines.add(pipelineName);
            if (enabled) {
                advancer.advancePipeline(tx, pipelineName);
            }
            return null;
        });
    }

    // ---- jobs

    /** Asks {@code gate} about every job before a worker may claim it; a refused job's action fails with the reason. */
    public void gateJobsWith(JobGate gate) {
        this.jobGate = gate;
    }

    /** Claims up to {@code max} queued jobs of the given types for a worker. */
    public List<JobRow> pollJobs(Collection<ActionTypeId> types, int max, String workerId, Duration lease) {
        return pollJobs(types, max, workerId, lease, job -> true);
    }

    /**
     * Claims up to {@code max} queued jobs of the given types that {@code wanted} accepts (PollForJobs' queryParam)
     * for a worker; they are Dispatched until the worker acknowledges them, and offered again with a new nonce if it
     * does not within {@code lease} (a job worker's acknowledgement deadline, an agent's lease).
     */
    public List<JobRow> pollJobs(Collection<ActionTypeId> types, int max, String workerId, Duration lease,
                                 java.util.function.Predicate<JobRow> wanted) {
        return claimJobs(types, max, workerId, lease, wanted, JobStatus.Dispatched);
    }

    /**
     * Claims jobs as {@link #pollJobs} does, for an agent in this process that runs them at once: they are InProgress
     * from the claim on. The acknowledgement the job protocol asks of workers elsewhere would be one more committed
     * transaction per action for nothing (issue 8: overhead per action).
     */
    public List<JobRow> claimJobsToRun(Collection<ActionTypeId> types, int max, String workerId, Duration lease,
                                       java.util.function.Predicate<JobRow> wanted) {
        return claimJobs(types, max, workerId, lease, wanted, JobStatus.InProgress);
    }

    private List<JobRow> claimJobs(Collection<ActionTypeId> types, int max, String workerId, Duration lease,
                                   java.util.function.Predicate<JobRow> wanted, JobStatus status) {
        List<JobRow> claimed = new ArrayList<>();
        Instant now = clock.instant();
        Instant leaseUntil = lease == null ? null : now.plus(lease);
        List<JobRow> candidates = db.read(c -> jobs.claimable(c, types, now, config.maxDispatches(), Math.max(max * 4, 50)));
        for (JobRow candidate : candidates) {
            if (claimed.size() >= max) {
                break;
            }
            if (!wanted.test(candidate)) {
                continue;
            }
            Optional<String> refusal;
            try {
                refusal = jobGate.refusal(candidate);
            } catch (RuntimeException e) { // not known to be allowed: not handed out now, asked again at the next poll
                org.slf4j.LoggerFactory.getLogger(ExecutionEngine.class).warn("could not check job {} before handing it out: {}",
                        candidate.id(), e.toString());
                continue;
            }
            if (refusal.isPresent()) {
                refuse(candidate, refusal.get(), false);
                continue;
            }
            String nonce = UUID.randomUUID().toString();
            boolean won = db.inTransaction(c -> jobs.claim(c, candidate.id(), workerId, nonce, leaseUntil, now, status));
            if (won) {
                claimed.add(candidate.claimedBy(workerId, nonce, leaseUntil, status, now));
            }
        }
        return claimed;
    }

    /**
     * Fails the action of a job the job gate refused (another poller may have done it first: then nothing to do).
     * {@code claimedHere}: claimed in its result's transaction for a worker that never saw it, so no worker is
     * recorded as the action's last updater.
     */
    private void refuse(JobRow job, String message, boolean claimedHere) {
        try {
            completeJob(job.id(), dev.conveyor.engine.jobs.JobOutcome.Failure.jobFailed(message), null, claimedHere);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ExecutionEngine.class).debug("refused job {} already settled: {}", job.id(), e.toString());
        }
    }

    /** Acknowledges a dispatched job with its nonce; the job becomes InProgress. {@code lease} null: no lease. */
    public JobRow acknowledgeJob(String jobId, String nonce, Duration lease) {
        return db.inTransaction(c -> {
            JobRow job = jobs.find(c, jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
            if (job.nonce() == null || !job.nonce().equals(nonce)) {
                throw new InvalidNonceException("The nonce does not match the job's current dispatch", "nonce");
            }
            if (job.status() == JobStatus.InProgress) {
                return job; // acknowledging twice is harmless
            }
            if (job.status() != JobStatus.Dispatched) {
                throw new InvalidJobStateException("Job " + jobId + " is " + job.status() + " and cannot be acknowledged");
            }
            Instant now = clock.instant();
            JobRow acknowledged = new JobRow(job.id(), job.actionExecutionId(), job.pipelineExecutionId(), job.actionTypeId(),
                    JobStatus.InProgress, job.dataJson(), job.nonce(), job.workerId(), job.dispatchCount(),
                    lease == null ? null : now.plus(lease), job.createdAt(), now);
            if (!jobs.acknowledge(c, jobId, nonce, acknowledged.leaseUntil(), now)) {
                throw new InvalidNonceException("The nonce does not match the job's current dispatch", "nonce");
            }
            return acknowledged;
        });
    }

    /** Extends the lease of a job a worker is running; false when the worker no longer holds it. */
    public boolean renewLease(String jobId, String workerId, Duration lease) {
        Instant now = clock.instant();
        return db.inTransaction(c -> jobs.extendLease(c, jobId, workerId, now.plus(lease), now));
    }

    public Optional<JobRow> findJob(String jobId) {
        return db.read(c -> jobs.find(c, jobId));
    }

    /** Records the third-party client a job was handed to. */
    public void assignClient(String jobId, String clientId) {
        db.inTransaction(c -> {
            jobs.setClientId(c, jobId, clientId);
            return null;
        });
    }

    /** The third-party client a job was handed to, or null. */
    public String clientOf(String jobId) {
        return db.read(c -> jobs.clientId(c, jobId));
    }

    /** Takes a worker's result for a job and advances the execution. */
    public void completeJob(String jobId, JobOutcome outcome) {
        completeJob(jobId, outcome, null, false);
    }

    /**
     * What an agent in this process asks for with a job's result: up to {@code max} of the jobs the result's
     * transaction queues that it can run ({@code types}, {@code wanted}), claimed InProgress for {@code workerId} in
     * that same transaction, as {@link #claimJobsToRun} would claim them after it.
     */
    public record NextJobs(Collection<ActionTypeId> types, int max, String workerId, Duration lease,
                           java.util.function.Predicate<JobRow> wanted) {
    }

    /**
     * Takes a worker's result for a job, advances the execution, and claims for the same worker, in the same
     * transaction, the jobs that advance queued and that {@code next} asks for (issue 20: the claim was a read and a
     * committed transaction of its own per action, after a wake-up of the agent's poller). Only for a worker in this
     * process (the job protocol hands jobs out on polls). The claimed jobs are asked of the job gate after the commit,
     * as a poll asks before its claim: a refused job fails its action as it would there, one whose check failed is
     * given back to the queue; the others are returned, to be run at once.
     */
    public List<JobRow> completeJob(String jobId, JobOutcome outcome, NextJobs next) {
        List<JobRow> claimed = completeJob(jobId, outcome, next, false);
        if (claimed.isEmpty() || jobGate == JobGate.OPEN) {
            return claimed;
        }
        List<JobRow> allowed = new ArrayList<>();
        for (JobRow job : claimed) {
            Optional<String> refusal;
            try {
                refusal = jobGate.refusal(job);
            } catch (RuntimeException e) {
                LOG.warn("could not check job {} before handing it out: {}", job.id(), e.toString());
                if (db.inTransaction(c -> jobs.unclaim(c, job.id(), job.workerId(), clock.instant()))) {
                    jobSignal.signal();
                }
                continue;
            }
            if (refusal.isPresent()) {
                refuse(job, refusal.get(), true);
            } else {
                allowed.add(job);
            }
        }
        return allowed;
    }

    /** {@code refused}: the job gate refused the job, which never reached its worker (no worker updated the action). */
    private List<JobRow> completeJob(String jobId, JobOutcome outcome, NextJobs next, boolean refused) {
        // Taken out as it is used: a job's result is taken once, and a retried call (or a rule's job) looks it up again.
        JobRepository.JobOwner owner = jobOwners.asMap().remove(jobId);
        if (owner == null) {
            owner = db.read(c -> jobs.owner(c, jobId)).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
        }
        if (owner.actionExecutionId() == null) {
            conditionCommands.completeRuleJob(jobId, outcome); // the job of a rule (Commands, LambdaInvoke), not of an action
            return List.of();
        }
        String pipelineName = Optional.ofNullable(owner.pipelineName()).orElseThrow();
        return inPipeline(pipelineName, (tx, locked) -> {
            JobRow job = jobs.find(tx.connection, jobId).orElseThrow(() -> new JobNotFoundException("No job with id " + jobId, "jobId"));
            if (job.status().isFinished()) {
                throw new InvalidJobStateException("Job " + jobId + " is already " + job.status());
            }
            ActionExecutionRow action = executions.findAction(tx.connection, job.actionExecutionId()).orElseThrow();
            if (!action.pipelineName().equals(pipelineName)) {
                throw new IllegalStateException("job " + jobId + " is of pipeline " + action.pipelineName() + ", not " + pipelineName);
            }
            if (action.status() != ActionExecutionStatus.InProgress) {
                jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
                throw new InvalidJobStateException("The action of job " + jobId + " is " + action.status() + " and takes no result");
            }
            switch (outcome) {
                case JobOutcome.Success success when success.continuationToken() != null -> continueJob(tx, job, action, success);
                case JobOutcome.Success success -> succeed(tx, job, action, success);
                case JobOutcome.Failure failure -> {
                    jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
                    String message = failure.message() == null ? "The job failed" : failure.message();
                    // The worker's external id (e.g. a CodeBuild build id) stays on the failed result, as CodePipeline keeps it.
                    ObjectNode output = ActionJson.read(ActionLauncher.failedOutput(failure.type(), message));
                    if (failure.externalExecutionId() != null) {
                        ((ObjectNode) output.get("executionResult")).put("externalExecutionId", failure.externalExecutionId());
                    }
                    putIfPresent((ObjectNode) output.get("executionResult"), "externalExecutionUrl", failure.externalExecutionUrl());
                    executions.update(tx.connection, action.withProgress(null, failure.externalExecutionId(), failure.externalExecutionUrl(), null, tx.now)
                            .settled(ActionExecutionStatus.Failed, ActionJson.write(output), message,
                                    failure.type(), message, refused ? null : job.workerId(), tx.now));
                }
            }
            tx.changed(pipelineName, action.pipelineExecutionId());
            advancer.advancePipeline(tx, pipelineName);
            return next == null ? List.<JobRow>of() : claimQueued(tx, next);
        });
    }

    /**
     * Claims for {@code next}'s worker the jobs this transaction queued that it wants, from the rows as written (no
     * read). When it claimed them all, nobody is woken for them after the commit: no other worker could have them.
     * Only {@link ExecutionTx#queued} sets {@code jobsQueued} in a job's result transaction, so that flag is then
     * clear of anything else.
     */
    private List<JobRow> claimQueued(ExecutionTx tx, NextJobs next) throws SQLException {
        List<JobRow> claimed = new ArrayList<>();
        Instant leaseUntil = next.lease() == null ? null : tx.now.plus(next.lease());
        for (java.util.Iterator<JobRow> queued = tx.queuedJobs.iterator(); queued.hasNext() && claimed.size() < next.max(); ) {
            JobRow job = queued.next();
            if (!next.types().contains(job.actionTypeId()) || !next.wanted().test(job)) {
                continue;
            }
            String nonce = UUID.randomUUID().toString();
            if (jobs.claim(tx.connection, job.id(), next.workerId(), nonce, leaseUntil, tx.now, JobStatus.InProgress)) {
                claimed.add(job.claimedBy(next.workerId(), nonce, leaseUntil, JobStatus.InProgress, tx.now));
                queued.remove();
            }
        }
        if (tx.queuedJobs.isEmpty()) {
            tx.jobsQueued = false;
        }
        return claimed;
    }

    private void continueJob(ExecutionTx tx, JobRow job, ActionExecutionRow action, JobOutcome.Success success) throws SQLException {
        jobs.update(tx.connection, job.withStatus(JobStatus.Succeeded, tx.now));
        executions.update(tx.connection, action.withProgress(success.summary(), success.externalExecutionId(),
                success.externalExecutionUrl(), success.percentComplete(), tx.now));
        ObjectNode data = ActionJson.read(job.dataJson());
        ((ObjectNode) data.get("jobData")).put("continuationToken", success.continuationToken());
        JobRow next = new JobRow(UUID.randomUUID().toString(), job.actionExecutionId(), job.pipelineExecutionId(),
                job.actionTypeId(), JobStatus.Queued, ActionJson.write(data), null, null, 0, null, tx.now, tx.now);
        jobs.insert(tx.connection, next);
        tx.queued(next);
    }

    private void succeed(ExecutionTx tx, JobRow job, ActionExecutionRow action, JobOutcome.Success success) throws SQLException {
        jobs.update(tx.connection, job.withStatus(JobStatus.Succeeded, tx.now));
        ObjectNode output = ActionJson.object();
        ArrayNode artifacts = output.putArray("outputArtifacts");
        Map<String, JobOutcome.ProducedArtifact> produced = new HashMap<>();
        success.outputArtifacts().forEach(a -> produced.put(a.name(), a));
        for (JsonNode planned : ActionJson.read(job.dataJson()).path("jobData").path("outputArtifacts")) {
            String name = planned.path("name").asText();
            JobOutcome.ProducedArtifact artifact = produced.get(name);
            JsonNode s3 = planned.path("location").path("s3Location");
            artifacts.add(artifact != null ? ActionJson.artifactDetail(name, artifact.location())
                    : ActionJson.artifactDetail(name, new dev.conveyor.artifacts.S3Location(s3.path("bucketName").asText(),
                            s3.path("objectKey").asText(), null)));
        }
        ObjectNode result = output.putObject("executionResult");
        putIfPresent(result, "externalExecutionId", success.externalExecutionId());
        putIfPresent(result, "externalExecutionSummary", success.summary());
        putIfPresent(result, "externalExecutionUrl", success.externalExecutionUrl());
        output.set("outputVariables", ActionJson.stringMap(success.outputVariables() == null ? Map.of() : success.outputVariables()));
        executions.update(tx.connection, action.withProgress(success.summary(), success.externalExecutionId(),
                success.externalExecutionUrl(), success.percentComplete(), tx.now)
                .settled(ActionExecutionStatus.Succeeded, ActionJson.write(output), success.summary(), null, null, job.workerId(), tx.now));
        if (success.currentRevision() != null) {
            recordRevision(tx, job, action, success);
        }
    }

    /**
     * Keeps the revision a job reported as its action's current revision (GetPipelineState); a source action's
     * revision is also its execution's artifact revision (GetPipelineExecution, ListPipelineExecutions'
     * sourceRevisions). What another action reports (a Deploy job's currentRevision, say) stays on that action.
     */
    private void recordRevision(ExecutionTx tx, JobRow job, ActionExecutionRow action, JobOutcome.Success success) throws SQLException {
        JobOutcome.CurrentRevision revision = success.currentRevision();
        if (revision.revision() != null) {
            actionRevisions.put(tx.connection, new ActionRevisionRow(action.pipelineName(), action.stageName(), action.actionName(),
                    action.id(), revision.revision(), blankToNull(revision.changeIdentifier()), revision.created(), tx.now));
        }
        if (!"Source".equals(job.actionTypeId().category())) {
            return;
        }
        // The execution is read here, for a source's result only (issue 20: not on every result).
        PipelineExecutionRow execution = executions.findExecution(tx.connection, action.pipelineExecutionId()).orElseThrow();
        ArrayNode revisions = (ArrayNode) ActionJson.read("{\"v\":" + (execution.artifactRevisionsJson() == null ? "[]"
                : execution.artifactRevisionsJson()) + "}").get("v");
        String artifactName = success.outputArtifacts().isEmpty() ? action.actionName() : success.outputArtifacts().getFirst().name();
        ObjectNode entry = revisions.addObject();
        entry.put("name", artifactName);
        entry.put("actionName", action.actionName());
        putIfPresent(entry, "revisionId", revision.revision());
        putIfPresent(entry, "revisionChangeIdentifier", revision.changeIdentifier());
        putIfPresent(entry, "revisionSummary", revision.revisionSummary());
        putIfPresent(entry, "revisionUrl", revision.revisionUrl());
        if (revision.created() != null) {
            entry.put("created", revision.created().toEpochMilli());
        }
        executions.update(tx.connection, execution.withArtifactRevisions(ActionJson.write(revisions), tx.now));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    // ---- timers

    /**
     * Applies what time decides: actions past their deadline fail (approvals and jobs alike), jobs whose worker
     * stopped renewing its lease are offered again (or fail the action after {@code maxDispatches}), and every
     * active execution is advanced once, so none can stay InProgress for want of a wake-up.
     */
    public void sweep() {
        Instant now = clock.instant();
        for (ActionExecutionRow overdue : db.read(c -> executions.overdueActions(c, now))) {
            safely("time out action " + overdue.id(), () -> timeOut(overdue.pipelineName(), overdue.id()));
        }
        for (JobRow expired : db.read(c -> jobs.expiredLeases(c, now))) {
            safely("recover job " + expired.id(), () -> recoverJob(expired.id()));
        }
        safely("time out rules", () -> conditionCommands.timeOutRules(now));
        ruleRunner.wake();
        Set<String> pipelines = new LinkedHashSet<>();
        db.read(c -> executions.allActiveExecutions(c)).forEach(e -> pipelines.add(e.pipelineName()));
        for (String pipeline : pipelines) {
            safely("advance " + pipeline, () -> inPipeline(pipeline, (tx, locked) -> {
                advancer.advancePipeline(tx, pipeline);
                return null;
            }));
        }
    }

    private void timeOut(String pipelineName, String actionExecutionId) {
        inPipeline(pipelineName, (tx, locked) -> {
            ActionExecutionRow action = executions.findAction(tx.connection, actionExecutionId).orElse(null);
            if (action == null || action.status() != ActionExecutionStatus.InProgress || action.deadlineAt() == null
                    || !action.deadlineAt().isBefore(tx.now)) {
                return null;
            }
            Duration allowed = Duration.between(action.startedAt(), action.deadlineAt());
            boolean approval = action.token() != null;
            String message = (approval ? "The approval was not approved or rejected within " : "The action did not finish within ")
                    + describe(allowed) + " and timed out";
            for (JobRow job : jobs.jobsOfAction(tx.connection, action.id())) {
                if (!job.status().isFinished()) {
                    message += switch (job.status()) {
                        case Queued -> ": no worker polled for its job";
                        case Dispatched -> ": the worker that polled its job never acknowledged it";
                        case InProgress -> ": the worker that acknowledged its job reported no result";
                        default -> "";
                    };
                    jobs.update(tx.connection, job.withStatus(JobStatus.TimedOut, tx.now));
                }
            }
            executions.update(tx.connection, action.settled(ActionExecutionStatus.Failed, ActionLauncher.failedOutput("JobFailed", message),
                    message, "JobFailed", message, null, tx.now));
            tx.changed(pipelineName, action.pipelineExecutionId());
            advancer.advancePipeline(tx, pipelineName);
            return null;
        });
    }

    private void recoverJob(String jobId) {
        String pipelineName = db.read(c -> {
            JobRow found = jobs.find(c, jobId).orElse(null);
            if (found == null) {
                return null;
            }
            return found.actionExecutionId() == null ? conditionCommands.pipelineOfRuleJob(c, jobId)
                    : executions.findAction(c, found.actionExecutionId()).map(ActionExecutionRow::pipelineName).orElse(null);
        });
        if (pipelineName == null) {
            return;
        }
        inPipeline(pipelineName, (tx, locked) -> {
            JobRow job = jobs.find(tx.connection, jobId).orElse(null);
            if (job == null || (job.status() != JobStatus.Dispatched && job.status() != JobStatus.InProgress)
                    || job.leaseUntil() == null || !job.leaseUntil().isBefore(tx.now)) {
                return null;
            }
            if (job.dispatchCount() < config.maxDispatches()) {
                LOG.warn("job {} ({}) lost its worker {}; offering it again", job.id(), job.actionTypeId().provider(), job.workerId());
                tx.jobsQueued = jobs.requeue(tx.connection, job.id(), tx.now);
                return null;
            }
            if (job.actionExecutionId() == null) {
                conditionCommands.workerLost(tx, job, "The worker running this rule's job stopped responding; it was handed out "
                        + job.dispatchCount() + " times (worker " + job.workerId() + ")");
                return null;
            }
            ActionExecutionRow action = executions.findAction(tx.connection, job.actionExecutionId()).orElseThrow();
            jobs.update(tx.connection, job.withStatus(JobStatus.Failed, tx.now));
            if (action.status() == ActionExecutionStatus.InProgress) {
                String message = "The worker running this action stopped responding; it was handed out " + job.dispatchCount()
                        + " times (worker " + job.workerId() + ")";
                executions.update(tx.connection, action.settled(ActionExecutionStatus.Failed,
                        ActionLauncher.failedOutput("SystemUnavailable", message), message, "SystemUnavailable", message, null, tx.now));
                tx.changed(pipelineName, action.pipelineExecutionId());
                advancer.advancePipeline(tx, pipelineName);
            }
            return null;
        });
    }

    /**
     * Offers again at once every job a worker of this name held: called when a worker starts, since a worker
     * with its name that held jobs before must have died (its process is being replaced).
     */
    public int releaseJobsOf(String workerId) {
        Instant now = clock.instant();
        List<JobRow> held = db.read(c -> jobs.heldBy(c, workerId));
        for (JobRow job : held) {
            db.inTransaction(c -> jobs.extendLease(c, job.id(), workerId, now.minusMillis(1), now));
            safely("recover job " + job.id(), () -> recoverJob(job.id()));
        }
        return held.size();
    }

    private static String describe(Duration d) {
        if (d.toDays() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
            return d.toDays() + " days";
        }
        if (d.toMinutes() > 0 && d.toSecondsPart() == 0) {
            return d.toMinutes() + " minutes";
        }
        return d.toMillis() / 1000.0 + " seconds";
    }

    private static void safely(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, e.toString());
        }
    }

    // ---- plumbing

    private PipelineExecutionRow execution(Connection c, String pipelineName, String executionId) throws SQLException {
        return executions.findExecution(c, executionId)
                .filter(e -> e.pipelineName().equals(pipelineName))
                .orElseThrow(() -> new PipelineExecutionNotFoundException("Pipeline '" + pipelineName
                        + "' has no execution with id " + executionId, "pipelineExecutionId"));
    }

    /** Work inside one transaction holding the pipeline's row lock. */
    @FunctionalInterface
    interface PipelineWork<T> {
        T run(ExecutionTx tx, ExecutionRepository.LockedPipeline locked) throws SQLException;
    }

    <T> T inPipeline(String pipelineName, PipelineWork<T> work) {
        ExecutionTx[] done = new ExecutionTx[1];
        T result = db.inTransaction(c -> inPipelineOn(c, pipelineName, work, done));
        afterCommit(done[0]);
        return result;
    }

    /** {@link #inPipeline}'s work on the caller's transaction; {@code done[0]} is what {@link #afterCommit} needs. */
    private <T> T inPipelineOn(Connection c, String pipelineName, PipelineWork<T> work, ExecutionTx[] done) throws SQLException {
        ExecutionRepository.LockedPipeline locked = executions.lockPipeline(c, pipelineName)
                .orElseThrow(() -> new PipelineNotFoundException("Pipeline '" + pipelineName + "' does not exist", "pipelineName"));
        // The clock is read once the lock is held, so times written under it never go back: a transaction that waited
        // for the lock must not stamp its changes before those of the transaction it waited for.
        ExecutionTx tx = new ExecutionTx(c, pipelineName, clock.instant());
        T value = work.run(tx, locked);
        for (TransitionRecorder recorder : recorders) {
            recorder.record(c, pipelineName, tx.changedExecutions, tx.inHand, tx.now);
        }
        if (tx.jobsQueued) {
            db.changes().announce(c, JOBS_TOPIC, "queued"); // heard by other replicas after the commit
        }
        done[0] = tx;
        return value;
    }

    private void afterCommit(ExecutionTx tx) {
        if (tx == null) {
            return;
        }
        for (JobRow job : tx.madeJobs) {
            jobOwners.put(job.id(), new JobRepository.JobOwner(job.actionExecutionId(), job.actionExecutionId() == null ? null : tx.pipelineName));
        }
        if (tx.jobsQueued) {
            jobSignal.signal();
        }
        recorders.forEach(TransitionRecorder::committed);
        if (tx.rulesDue) {
            ruleRunner.wake();
        }
        if (!tx.changedPipelines.isEmpty()) {
            for (ExecutionListener listener : listeners) {
                try {
                    listener.executionsChanged(tx.changedPipelines, tx.changedExecutions);
                } catch (RuntimeException e) {
                    LOG.warn("execution listener failed", e);
                }
            }
        }
    }
}
