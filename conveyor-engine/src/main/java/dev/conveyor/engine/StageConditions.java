package dev.conveyor.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.engine.rules.RuleProvider;
import dev.conveyor.engine.rules.RuleProviders;
import dev.conveyor.model.pipeline.Condition;
import dev.conveyor.model.pipeline.InputArtifact;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.RuleDeclaration;
import dev.conveyor.model.pipeline.RuleTypeId;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Evaluates a stage's conditions of one kind (BEFORE_ENTRY, ON_SUCCESS, ON_FAILURE) for the stage's current attempt,
 * with CodePipeline's semantics: the rules of a condition run together, and the condition is met when all of them
 * succeed (or when it is overridden). Starting a condition writes its rule executions (InProgress, due at once);
 * rule providers run outside the transaction ({@link RuleRunner}) and their results settle the condition
 * ({@link #settle}). What a result means for the stage (skip, fail, retry, roll back) is the advancer's business.
 */
final class StageConditions {
    static final String IN_PROGRESS = "InProgress";

    /** Where a stage's conditions of one kind stand. */
    enum State { NONE, PENDING, MET, NOT_MET }

    /**
     * @param state   where the conditions stand
     * @param wrote   whether looking wrote anything (conditions started, settled at once)
     * @param results the declared results of the conditions that were not met (FAIL, SKIP, ROLLBACK)
     * @param summary why they were not met
     */
    record Verdict(State state, boolean wrote, List<String> results, String summary) {
        static final Verdict NONE = new Verdict(State.NONE, false, List.of(), null);
    }

    private final ConditionRepository repository;
    private final RuleProviders providers;
    private final EngineConfig config;
    private final RuleJobs jobs;

    StageConditions(ConditionRepository repository, RuleProviders providers, EngineConfig config, RuleJobs jobs) {
        this.repository = repository;
        this.providers = providers;
        this.config = config;
        this.jobs = jobs;
    }

    ConditionRepository repository() {
        return repository;
    }

    RuleJobs jobs() {
        return jobs;
    }

    RuleProviders providers() {
        return providers;
    }

    /** Looks at (and if need be starts) the conditions of {@code type} for the stage's current attempt. */
    Verdict evaluate(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                     String type, List<Condition> declared, ActionLauncher.Visible visible) throws SQLException {
        if (declared == null || declared.isEmpty()) {
            return Verdict.NONE;
        }
        if (ConditionExecutionRow.BEFORE_ENTRY.equals(type) && metInEarlierAttempt(tx, execution.id(), stage)) {
            return new Verdict(State.MET, false, List.of(), null); // a retried stage is not entered again
        }
        List<ConditionExecutionRow> current = currentAttempt(tx, execution.id(), stage, type);
        boolean wrote = false;
        if (current.isEmpty()) {
            start(tx, execution, pipeline, stage, type, declared, visible);
            current = currentAttempt(tx, execution.id(), stage, type);
            wrote = true;
        }
        if (current.stream().anyMatch(c -> IN_PROGRESS.equals(c.status()))) {
            return new Verdict(State.PENDING, wrote, List.of(), null);
        }
        List<String> results = new ArrayList<>();
        String summary = null;
        for (ConditionExecutionRow c : current) {
            if ("Failed".equals(c.status()) || "Errored".equals(c.status())) {
                results.add(c.result());
                summary = summary == null ? c.summary() : summary;
            }
        }
        return results.isEmpty() ? new Verdict(State.MET, wrote, List.of(), null) : new Verdict(State.NOT_MET, wrote, results, summary);
    }

    private boolean metInEarlierAttempt(ExecutionTx tx, String executionId, StageExecutionRow stage) throws SQLException {
        List<ConditionExecutionRow> all = repository.conditions(tx.connection, executionId, stage.stageName(),
                ConditionExecutionRow.BEFORE_ENTRY);
        int latest = all.stream().mapToInt(ConditionExecutionRow::stageAttempt).max().orElse(stage.attempt());
        if (latest >= stage.attempt()) {
            return false;
        }
        return all.stream().filter(c -> c.stageAttempt() == latest)
                .allMatch(c -> "Succeeded".equals(c.status()) || "Overridden".equals(c.status()));
    }

    private List<ConditionExecutionRow> currentAttempt(ExecutionTx tx, String executionId, StageExecutionRow stage, String type)
            throws SQLException {
        return repository.conditions(tx.connection, executionId, stage.stageName(), type).stream()
                .filter(c -> c.stageAttempt() == stage.attempt()).toList();
    }

    private void start(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                       String type, List<Condition> declared, ActionLauncher.Visible visible) throws SQLException {
        VariableResolver resolver = new VariableResolver(visible.namespaces());
        for (int i = 0; i < declared.size(); i++) {
            Condition condition = declared.get(i);
            ConditionExecutionRow row = new ConditionExecutionRow(UUID.randomUUID().toString(), execution.id(), execution.pipelineName(),
                    stage.stageName(), stage.attempt(), type, i, condition.result(), IN_PROGRESS, null, tx.now, tx.now);
            repository.insert(tx.connection, row);
            for (RuleDeclaration rule : condition.rules() == null ? List.<RuleDeclaration>of() : condition.rules()) {
                startRule(tx, execution, pipeline, row, rule, resolver, visible);
            }
            settle(tx, row.id());
        }
        tx.changed(execution.pipelineName(), execution.id());
    }

    private void startRule(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, ConditionExecutionRow condition,
                           RuleDeclaration rule, VariableResolver resolver, ActionLauncher.Visible visible) throws SQLException {
        Set<String> unresolved = VariableResolver.collector();
        Map<String, String> configuration = rule.configuration() == null ? Map.of() : rule.configuration();
        Map<String, String> resolved = resolver.resolveAll(configuration, unresolved);
        // Commands never get values pasted in (as the Commands action's): references become expansions of variables.
        ShellCommandResolver.Resolution shell = new ShellCommandResolver(resolver).resolve(rule.commands() == null ? List.of() : rule.commands());
        unresolved.addAll(shell.unresolved());
        List<String> commands = shell.commands();
        RuleTypeId typeId = rule.ruleTypeId();
        String provider = typeId == null ? null : typeId.provider();
        ObjectNode input = ActionJson.object();
        ObjectNode id = input.putObject("ruleTypeId").put("category", typeId == null ? "Rule" : typeId.category())
                .put("owner", typeId == null || typeId.owner() == null ? "AWS" : typeId.owner()).put("provider", provider);
        id.put("version", typeId == null || typeId.version() == null ? "1" : typeId.version());
        input.set("configuration", ActionJson.stringMap(configuration));
        input.set("resolvedConfiguration", ActionJson.stringMap(resolved));
        if (rule.roleArn() != null) {
            input.put("roleArn", rule.roleArn());
        }
        String region = rule.region() == null ? config.region() : rule.region();
        input.put("region", region);
        ArrayNode artifacts = input.putArray("inputArtifacts");
        Map<String, S3Location> inputs = new java.util.LinkedHashMap<>();
        String missing = null;
        for (InputArtifact in : rule.inputArtifacts() == null ? List.<InputArtifact>of() : rule.inputArtifacts()) {
            S3Location location = visible.artifacts().get(in.name());
            if (location == null && missing == null) {
                missing = in.name();
            }
            inputs.put(in.name(), location);
            artifacts.add(ActionJson.artifactDetail(in.name(), location));
        }
        if (!commands.isEmpty()) {
            ArrayNode list = input.putArray("commands"); // Conveyor's own: the API's RuleExecutionInput has no commands
            commands.forEach(list::add);
        }
        RuleProvider implementation = provider == null ? null : providers.find(provider).orElse(null);
        Duration timeout = rule.timeoutInMinutes() != null ? Duration.ofMinutes(rule.timeoutInMinutes())
                : implementation != null ? implementation.defaultTimeout() : Duration.ofHours(1);
        String failure = null;
        if (!unresolved.isEmpty()) {
            failure = "Unable to resolve variable " + String.join(", ", unresolved) + " in rule '" + rule.name()
                    + "': no such variable is available to this rule.";
        } else if (!shell.problems().isEmpty()) {
            failure = String.join("; ", shell.problems()) + " (rule '" + rule.name() + "').";
        } else if (missing != null) {
            failure = "Input artifact '" + missing + "' of rule '" + rule.name() + "' was not produced by this execution.";
        } else if (implementation == null) {
            failure = "Rule provider " + provider + " of rule '" + rule.name() + "' does not run on this server"
                    + " (running here: " + String.join(", ", providers.names()) + ").";
        } else if (implementation instanceof dev.conveyor.engine.rules.JobRule && "Commands".equals(provider) && commands.isEmpty()) {
            failure = "The Commands rule '" + rule.name() + "' has no commands.";
        }
        // A rule that runs as a job is not looked at by the rule runner: its job's outcome settles it, or its deadline.
        Instant deadline = tx.now.plus(timeout);
        boolean asJob = failure == null && implementation instanceof dev.conveyor.engine.rules.JobRule;
        RuleExecutionRow row = new RuleExecutionRow(UUID.randomUUID().toString(), condition.id(), execution.id(),
                execution.pipelineName(), execution.pipelineVersion(), condition.stageName(), rule.name(), provider == null ? "" : provider,
                IN_PROGRESS, ActionJson.write(input), null, asJob ? "Waiting for a worker to run the rule's job" : null, null, null, null,
                null, null, asJob ? deadline : tx.now, deadline, tx.now, tx.now);
        if (failure != null) {
            row = row.settle("Failed", failedOutput("ConfigurationError", failure), failure, "ConfigurationError", failure,
                    null, null, tx.now);
        } else if (implementation.evaluatesInline()) {
            row = settledInline(tx, row, implementation, resolved, commands, visible, rule, execution);
        }
        if (!row.settled() && !asJob) {
            tx.rulesDue = true;
        }
        repository.insert(tx.connection, row);
        if (asJob) {
            jobs.queue(tx, execution, pipeline, row, (dev.conveyor.engine.rules.JobRule) implementation, new RuleJobs.Work(resolved,
                    commands, shell.environment(), inputs, rule.roleArn(), region, timeout));
        }
    }

    private static RuleExecutionRow settledInline(ExecutionTx tx, RuleExecutionRow row, RuleProvider provider, Map<String, String> resolved,
                                                  List<String> commands, ActionLauncher.Visible visible, RuleDeclaration rule,
                                                  PipelineExecutionRow execution) {
        Map<String, S3Location> artifacts = new java.util.LinkedHashMap<>();
        for (InputArtifact in : rule.inputArtifacts() == null ? List.<InputArtifact>of() : rule.inputArtifacts()) {
            artifacts.put(in.name(), visible.artifacts().get(in.name()));
        }
        RuleOutcome outcome;
        try {
            outcome = provider.evaluate(new dev.conveyor.engine.rules.RuleRun(row.id(), execution.pipelineName(), execution.id(),
                    row.stageName(), row.ruleName(), null, resolved, commands, artifacts, null, tx.now, tx.now));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return row;
        } catch (RuntimeException e) {
            outcome = RuleOutcome.failed("Rule provider " + row.provider() + " failed: " + e.getMessage());
        }
        return switch (outcome) {
            case RuleOutcome.Succeeded ok -> row.settle("Succeeded", outputJson(ok.externalExecutionId(), ok.summary(),
                    ok.externalExecutionUrl(), null, null), ok.summary(), null, null, ok.externalExecutionId(), ok.externalExecutionUrl(), tx.now);
            case RuleOutcome.Failed f -> row.settle("Failed", outputJson(f.externalExecutionId(), null, f.externalExecutionUrl(), f.code(),
                    f.message()), f.message(), f.code(), f.message(), f.externalExecutionId(), f.externalExecutionUrl(), tx.now);
            case RuleOutcome.Waiting w -> row; // the rule runner looks at it like any other
        };
    }

    /** The API's RuleExecutionOutput. */
    static String outputJson(String externalId, String summary, String url, String code, String message) {
        ObjectNode output = ActionJson.object();
        ObjectNode result = output.putObject("executionResult");
        if (externalId != null) {
            result.put("externalExecutionId", externalId);
        }
        if (summary != null) {
            result.put("externalExecutionSummary", summary);
        }
        if (url != null) {
            result.put("externalExecutionUrl", url);
        }
        if (code != null) {
            result.putObject("errorDetails").put("code", code).put("message", message == null ? "" : message);
        }
        return ActionJson.write(output);
    }

    /** Settles a condition once none of its rules is in progress: Succeeded when all succeeded, else Failed. */
    void settle(ExecutionTx tx, String conditionId) throws SQLException {
        ConditionExecutionRow condition = repository.findCondition(tx.connection, conditionId).orElseThrow();
        if (condition.settled()) {
            return;
        }
        List<RuleExecutionRow> rules = repository.rulesOf(tx.connection, conditionId);
        if (rules.stream().anyMatch(r -> !r.settled())) {
            return;
        }
        RuleExecutionRow failed = rules.stream().filter(r -> !"Succeeded".equals(r.status())).findFirst().orElse(null);
        String summary = failed == null ? "All rules succeeded"
                : "Rule '" + failed.ruleName() + "' " + failed.status().toLowerCase(java.util.Locale.ROOT)
                + (failed.errorMessage() == null ? "" : ": " + failed.errorMessage());
        repository.update(tx.connection, condition.withStatus(failed == null ? "Succeeded" : "Failed", truncate(summary), tx.now));
        tx.changed(condition.pipelineName(), condition.pipelineExecutionId());
    }

    /**
     * Overrides the in-progress conditions of {@code type} of the stage's current attempt: they become Overridden
     * (met), their running rules Abandoned. False when none is in progress.
     */
    boolean override(ExecutionTx tx, StageExecutionRow stage, String type, String caller) throws SQLException {
        List<ConditionExecutionRow> current = currentAttempt(tx, stage.pipelineExecutionId(), stage, type);
        if (current.stream().noneMatch(c -> IN_PROGRESS.equals(c.status()))) {
            return false;
        }
        for (ConditionExecutionRow c : current) {
            if ("Succeeded".equals(c.status())) {
                continue;
            }
            abandonRules(tx, c.id(), "Abandoned: the condition was overridden by " + caller);
            repository.update(tx.connection, c.withStatus("Overridden", "Overridden by " + caller, tx.now));
        }
        tx.changed(stage.pipelineName(), stage.pipelineExecutionId());
        return true;
    }

    /** Cancels every condition of the execution still in progress (the execution stopped). */
    boolean cancelAll(ExecutionTx tx, String executionId, String why) throws SQLException {
        boolean wrote = false;
        for (ConditionExecutionRow c : repository.conditionsOfExecution(tx.connection, executionId)) {
            if (IN_PROGRESS.equals(c.status())) {
                abandonRules(tx, c.id(), why);
                repository.update(tx.connection, c.withStatus("Cancelled", why, tx.now));
                wrote = true;
            }
        }
        return wrote;
    }

    private void abandonRules(ExecutionTx tx, String conditionId, String why) throws SQLException {
        for (RuleExecutionRow r : repository.rulesOf(tx.connection, conditionId)) {
            if (!r.settled()) {
                repository.update(tx.connection, r.settle("Abandoned", null, why, null, null, r.externalExecutionId(),
                        r.externalExecutionUrl(), tx.now));
                repository.failJobsOf(tx.connection, r.id(), tx.now); // a worker running one stops at its next lease renewal
            }
        }
    }

    static String failedOutput(String code, String message) {
        return ActionLauncher.failedOutput(code, message);
    }

    private static String truncate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 1999) + "…";
    }
}
