package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.JobRule;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.engine.rules.RuleProvider;
import dev.conveyor.engine.rules.RuleProviders;
import dev.conveyor.engine.rules.RuleRun;
import dev.conveyor.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due rule executions: each is claimed in the database (so one replica looks at it), evaluated by its provider on a
 * virtual thread outside any transaction, and its outcome handed to the engine, which writes it under the pipeline's
 * lock and advances the pipeline. Woken after a commit that started rules and at every sweep; a claim that outlives
 * its evaluator (a crash) expires and the rule is looked at again. A claim lasts until the rule's deadline (an hour at
 * most), so a provider that blocks (the Commands rule) is never evaluated twice at once.
 */
final class RuleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RuleRunner.class);
    /** The longest a claim lasts (a crash mid-evaluation leaves the rule alone this long, or until its deadline). */
    private static final Duration CLAIM = Duration.ofHours(1);

    private final Database db;
    private final ConditionRepository repository;
    private final RuleProviders providers;
    private final Clock clock;
    private final BiConsumer<RuleExecutionRow, RuleOutcome> settle;
    private final AtomicBoolean scanning = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    RuleRunner(Database db, ConditionRepository repository, RuleProviders providers, Clock clock,
               BiConsumer<RuleExecutionRow, RuleOutcome> settle) {
        this.db = db;
        this.repository = repository;
        this.providers = providers;
        this.clock = clock;
        this.settle = settle;
    }

    /** Looks for due rules on a virtual thread (at most one scan at a time; a wake during a scan scans again). */
    void wake() {
        again.set(true);
        if (scanning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("conveyor-rules").start(this::scanLoop);
        }
    }

    private void scanLoop() {
        try {
            while (again.getAndSet(false)) {
                scan();
            }
        } catch (RuntimeException e) {
            LOG.warn("rule scan failed: {}", e.toString());
        } finally {
            scanning.set(false);
            if (again.get()) {
                wake();
            }
        }
    }

    private void scan() {
        Instant now = clock.instant();
        for (RuleExecutionRow due : db.read(c -> repository.dueRules(c, now, 100))) {
            if (providers.find(due.provider()).orElse(null) instanceof JobRule) {
                continue; // settled by its job's outcome, or at its deadline by the sweep's timeOutRules
            }
            Instant until = due.deadlineAt().isBefore(now.plus(CLAIM)) ? due.deadlineAt() : now.plus(CLAIM);
            boolean claimed = db.inTransaction(c -> repository.claim(c, due.id(), until, now));
            if (claimed) {
                Thread.ofVirtual().name("conveyor-rule-" + due.ruleName()).start(() -> evaluate(due));
            }
        }
    }

    private void evaluate(RuleExecutionRow row) {
        RuleOutcome outcome;
        try {
            RuleProvider provider = providers.find(row.provider()).orElse(null);
            outcome = provider == null ? RuleOutcome.configurationError("Rule provider " + row.provider() + " does not run on this server")
                    : provider.evaluate(run(row));
            if (outcome == null) {
                outcome = RuleOutcome.failed("Rule provider " + row.provider() + " gave no outcome");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.warn("rule {} ({}) failed to evaluate", row.id(), row.provider(), e);
            outcome = RuleOutcome.failed("Rule provider " + row.provider() + " failed: " + e.getMessage());
        }
        try {
            settle.accept(row, outcome);
        } catch (RuntimeException e) {
            LOG.warn("could not record the outcome of rule {}: {}", row.id(), e.toString());
        }
    }

    private RuleRun run(RuleExecutionRow row) {
        JsonNode input = ActionJson.read(row.inputJson());
        Map<String, String> configuration = new LinkedHashMap<>();
        input.path("resolvedConfiguration").properties().forEach(e -> configuration.put(e.getKey(), e.getValue().asText()));
        List<String> commands = new ArrayList<>();
        input.path("commands").forEach(c -> commands.add(c.asText()));
        Map<String, S3Location> artifacts = new LinkedHashMap<>();
        for (JsonNode a : input.path("inputArtifacts")) {
            JsonNode loc = a.path("s3location");
            artifacts.put(a.path("name").asText(), new S3Location(loc.path("bucket").asText(), loc.path("key").asText(), null));
        }
        return new RuleRun(row.id(), row.pipelineName(), row.pipelineExecutionId(), row.stageName(), row.ruleName(),
                input.path("region").asText(null), configuration, commands, artifacts, row.providerState(), row.startedAt(),
                clock.instant());
    }
}
