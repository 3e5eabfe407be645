package dev.conveyor.deploy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeployRepository.CommandRow;
import dev.conveyor.deploy.store.DeployRepository.DeploymentRow;
import dev.conveyor.deploy.store.DeployRepository.TargetRow;
import dev.conveyor.model.alarms.AlarmStates;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment state machine. Each active deployment has one virtual thread that reads its row, carries out the
 * current step of its plan and commits the step's end before the next: a server restarted mid-deployment resumes at
 * the step it was on (every step is idempotent: commands are issued once per step and target, load balancer calls set
 * states). Failure, stop requests and alarms end a deployment through {@link #finish}, which commits the outcome (and
 * the id of its rollback, when one is due) first, then returns traffic to the old version, then starts the rollback.
 */
public final class DeploymentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentRunner.class);
    public static final Set<String> ACTIVE = Set.of("Created", "Queued", "InProgress", "Ready", "Baking");

    private final Deployments deployments;
    private final DeployRepository repo;
    private final TrafficControl traffic;
    private final AlarmStates alarms;
    private final Clock clock;
    private final DeploySettings settings;
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    /** When this server started: an agent is not blamed for the time the server itself was down. */
    private final long startedAt;
    private volatile boolean closed;

    public DeploymentRunner(Deployments deployments, TrafficControl traffic, AlarmStates alarms, Clock clock, DeploySettings settings) {
        this.deployments = deployments;
        this.repo = deployments.repository();
        this.traffic = traffic;
        this.alarms = alarms;
        this.clock = clock;
        this.settings = settings;
        this.startedAt = clock.millis();
    }

    /** Resumes every deployment a previous run left active, and finishes the clean-up of those that ended mid-way. */
    public void resumeAll() {
        for (DeploymentRow d : repo.deployments(null, null, null)) {
            if (ACTIVE.contains(d.status()) || "pending".equals(d.document().path("_").path("cleanup").asText())) {
                LOG.info("resuming deployment {} ({}, step {})", d.id(), d.status(), d.step());
                start(d.id());
            }
        }
    }

    /** Runs a deployment on a thread of its own (no-op when it is already running here). */
    public void start(String deploymentId) {
        if (closed) {
            return;
        }
        running.computeIfAbsent(deploymentId, id -> Thread.ofVirtual().name("deployment-" + id).start(() -> {
            try {
                drive(id);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("deployment {} stopped on an unexpected error", id, e);
                }
            } finally {
                running.remove(id);
            }
        }));
    }

    private enum Outcome { DONE, WAITING }

    /** A step could not be carried out: the deployment fails with this code and message. */
    private static final class StepFailed extends RuntimeException {
        final String code;

        StepFailed(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private void drive(String id) {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            DeploymentRow d = repo.deployment(id).orElse(null);
            if (d == null) {
                return;
            }
            if (!ACTIVE.contains(d.status())) {
                if ("pending".equals(d.document().path("_").path("cleanup").asText())) {
                    cleanUp(d);
                }
                return;
            }
            if ("Created".equals(d.status())) {
                ObjectNode doc = d.document();
                doc.put("status", "InProgress");
                doc.put("startTime", clock.millis() / 1000.0);
                repo.advance(id, d.step(), d.step(), "InProgress", doc, d.stepStarted());
                continue;
            }
            if (d.stopRequested() != null) {
                boolean rollback = d.stopRequested().startsWith("rollback:");
                finish(d, "Stopped", null, d.stopRequested().substring(d.stopRequested().indexOf(':') + 1), rollback);
                continue;
            }
            Optional<String> alarm = firingAlarm(d);
            if (alarm.isPresent()) {
                finish(d, "Failed", "ALARM_ACTIVE", alarm.get(), rollsBackOn(d, "DEPLOYMENT_STOP_ON_ALARM"));
                continue;
            }
            if (d.step() >= d.plan().size()) {
                succeed(d);
                continue;
            }
            ObjectNode step = (ObjectNode) d.plan().get(d.step());
            if (d.stepStarted() == null) {
                repo.advance(id, d.step(), d.step(), d.status(), d.document(), clock.millis());
                continue;
            }
            Outcome outcome;
            try {
                outcome = carryOut(d, step);
            } catch (StepFailed e) {
                finish(d, "Failed", e.code, e.getMessage(), rollsBackOn(d, "DEPLOYMENT_FAILURE"));
                continue;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("deployment {} step {} failed: {}", id, d.step(), e.toString());
                finish(d, "Failed", "INTERNAL_ERROR", e.getMessage(), rollsBackOn(d, "DEPLOYMENT_FAILURE"));
                continue;
            }
            if (outcome == Outcome.DONE) {
                ObjectNode doc = d.document();
                String status = "READY".equals(step.path("type").asText()) ? "InProgress" : d.status();
                doc.put("status", status);
                repo.advance(id, d.step(), d.step() + 1, status, doc, null);
            } else {
                sleep();
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(settings.poll());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Outcome carryOut(DeploymentRow d, ObjectNode step) {
        String backend = d.document().path("_").path("backend").asText(null);
        List<String> targets = new ArrayList<>();
        step.path("targets").forEach(t -> targets.add(t.asText()));
        Map<String, TargetRow> rows = new java.util.HashMap<>();
        repo.targets(d.id()).forEach(t -> rows.put(t.instance(), t));
        List<String> live = targets.stream().filter(t -> rows.containsKey(t) && !"Failed".equals(rows.get(t).status())).toList();
        switch (step.path("type").asText()) {
            case "RUN" -> {
                return run(d, step, rows);
            }
            case "BLOCK" -> {
                for (String t : live) {
                    event(d.id(), t, LifecycleEvents.BLOCK_TRAFFIC, "InProgress", null);
                    traffic.block(backend, t, settings.drainTimeout());
                    event(d.id(), t, LifecycleEvents.BLOCK_TRAFFIC, "Succeeded", null);
                }
                return Outcome.DONE;
            }
            case "ALLOW" -> {
                for (String t : live) {
                    event(d.id(), t, LifecycleEvents.ALLOW_TRAFFIC, "InProgress", null);
                    traffic.allow(backend, t);
                    event(d.id(), t, LifecycleEvents.ALLOW_TRAFFIC, "Succeeded", null);
                }
                return Outcome.DONE;
            }
            case "SHIFT" -> {
                shift(d, backend, step.path("percent").asInt(), rows);
                return Outcome.DONE;
            }
            case "WAIT" -> {
                return clock.millis() - d.stepStarted() >= step.path("seconds").asLong() * 1000 ? Outcome.DONE : Outcome.WAITING;
            }
            case "READY" -> {
                if (d.continueRequested()) {
                    return Outcome.DONE;
                }
                if (!"Ready".equals(d.status())) {
                    ObjectNode doc = d.document();
                    doc.put("status", "Ready");
                    repo.advance(d.id(), d.step(), d.step(), "Ready", doc, d.stepStarted());
                }
                if (clock.millis() - d.stepStarted() >= step.path("seconds").asLong() * 1000) {
                    throw new StepFailed("TIMEOUT", "ContinueDeployment was not called within the deploymentReadyOption's wait time");
                }
                return Outcome.WAITING;
            }
            default -> throw new IllegalStateException("unknown plan step " + step);
        }
    }

    /** Sets blue/green weights so that {@code percent} of new requests go to the replacement (Green) instances. */
    private void shift(DeploymentRow d, String backend, int percent, Map<String, TargetRow> rows) {
        List<String> green = rows.values().stream().filter(t -> "Green".equals(t.role()) && !"Failed".equals(t.status())).map(TargetRow::instance).sorted().toList();
        List<String> blue = rows.values().stream().filter(t -> "Blue".equals(t.role())).map(TargetRow::instance).sorted().toList();
        if (green.isEmpty()) {
            throw new StepFailed("HEALTH_CONSTRAINTS", "no replacement instance is healthy: traffic stays on the original fleet");
        }
        if (percent >= 100 || blue.isEmpty()) {
            for (String g : green) {
                event(d.id(), g, LifecycleEvents.ALLOW_TRAFFIC, "InProgress", null);
                traffic.allow(backend, g);
            }
            for (String b : blue) {
                traffic.weight(backend, b, 0);
            }
            for (String g : green) {
                event(d.id(), g, LifecycleEvents.ALLOW_TRAFFIC, "Succeeded", null);
            }
        } else {
            // Share p of new requests between |green| servers against 100-p between |blue|: weights p*|blue| : (100-p)*|green|,
            // scaled so the larger is 256 (HAProxy's maximum) and the split is as exact as integer weights allow.
            double g = percent * (double) blue.size();
            double b = (100 - percent) * (double) green.size();
            double scale = 256 / Math.max(g, b);
            int greenWeight = Math.max(1, (int) Math.round(g * scale));
            int blueWeight = Math.max(1, (int) Math.round(b * scale));
            for (String gi : green) {
                event(d.id(), gi, LifecycleEvents.ALLOW_TRAFFIC, "InProgress", null);
                traffic.weight(backend, gi, greenWeight);
            }
            for (String bi : blue) {
                traffic.weight(backend, bi, blueWeight);
            }
        }
        ObjectNode doc = d.document();
        doc.with("_").put("trafficShifted", percent);
        repo.advance(d.id(), d.step(), d.step(), d.status(), doc, d.stepStarted());
    }

    private Outcome run(DeploymentRow d, ObjectNode step, Map<String, TargetRow> rows) {
        long now = clock.millis();
        boolean open = false;
        // This step's targets: those it issued a command to (whatever became of them), and those not failed before it.
        List<String> live = new ArrayList<>();
        for (JsonNode t : step.path("targets")) {
            String name = t.asText();
            if (rows.containsKey(name) && (repo.command(d.id(), name, d.step()).isPresent() || !"Failed".equals(rows.get(name).status()))) {
                live.add(name);
            }
        }
        for (String t : live) {
            ArrayNode events = (ArrayNode) step.get("events").deepCopy();
            CommandRow command = repo.command(d.id(), t, d.step()).orElseGet(() -> repo.issueCommand(
                    new CommandRow(UUID.randomUUID().toString(), d.id(), t, d.step(), events, "Pending", now, now)));
            if (List.of("Pending", "InProgress").contains(command.status())) {
                open = true;
                Long seen = repo.instance(t).map(DeployRepository.InstanceRow::lastSeen).orElse(null);
                long heard = Math.max(Math.max(seen == null ? 0 : seen, command.created()), startedAt);
                if (now - heard > settings.agentTimeout().toMillis()) {
                    agentLost(d, t, command, heard);
                }
            }
        }
        if (open) {
            return Outcome.WAITING;
        }
        List<TargetRow> after = repo.targets(d.id());
        long failed = after.stream().filter(t -> "Failed".equals(t.status())).count();
        boolean failedNow = live.stream().anyMatch(t -> repo.command(d.id(), t, d.step()).map(c -> "Failed".equals(c.status())).orElse(false)
                || after.stream().anyMatch(a -> a.instance().equals(t) && "Failed".equals(a.status()) && !"Failed".equals(rows.get(t).status())));
        if (failedNow) {
            JsonNode internal = d.document().path("_");
            boolean green = live.stream().anyMatch(t -> "Green".equals(rows.get(t).role()));
            int total = (int) after.stream().filter(t -> "InPlace".equals(t.role())).count();
            int next = nextBatchSize(d.plan(), d.step());
            int minimum = internal.path("minimumHealthy").asInt();
            // CodeDeploy's rule: instances not being deployed to must stay at least minimumHealthyHosts; OneAtATime
            // fails on any instance but the last.
            boolean tolerated = !green && total > 0 && (internal.path("mostConcurrency").asBoolean()
                    ? next == 0 && failed == 1
                    : next == 0 ? total - failed >= Math.max(1, minimum) : total - failed - next >= minimum);
            LOG.info("deployment {}: {} of {} instances failed; next batch {}; minimum healthy {}: {}", d.id(), failed, total, next, minimum,
                    tolerated ? "going on" : "failing");
            if (!tolerated) {
                throw new StepFailed("HEALTH_CONSTRAINTS", "The overall deployment failed because too many individual instances failed "
                        + "deployment, too few healthy instances are available for deployment, or some instances in your deployment group "
                        + "are experiencing problems. (" + failed + " failed: " + failureSummary(after) + ")");
            }
        }
        return Outcome.DONE;
    }

    /** The number of instances of the batch after the one {@code step} is in (0 when it is the last). */
    private static int nextBatchSize(ArrayNode plan, int step) {
        int end = step;
        while (end < plan.size() && !plan.get(end).path("batchEnd").asBoolean()) {
            end++;
        }
        for (int i = end + 1; i < plan.size(); i++) {
            if (plan.get(i).has("targets")) {
                return plan.get(i).path("targets").size();
            }
        }
        return 0;
    }

    private static String failureSummary(List<TargetRow> targets) {
        List<String> parts = new ArrayList<>();
        for (TargetRow t : targets) {
            if (!"Failed".equals(t.status())) {
                continue;
            }
            for (JsonNode e : t.events()) {
                if ("Failed".equals(e.path("status").asText())) {
                    parts.add(t.instance() + " " + e.path("lifecycleEventName").asText() + ": " + e.at("/diagnostics/message").asText());
                    break;
                }
            }
        }
        return String.join("; ", parts);
    }

    private void agentLost(DeploymentRow d, String instance, CommandRow command, long heard) {
        if (!repo.moveCommand(command.id(), List.of("Pending", "InProgress"), "Failed", clock.millis())) {
            return;
        }
        String message = "the conveyor agent of " + instance + " stopped responding (last heard from "
                + java.time.Instant.ofEpochMilli(heard) + ", more than " + settings.agentTimeout().toSeconds() + " s ago)";
        LOG.warn("deployment {}: {}", d.id(), message);
        TargetRow target = repo.target(d.id(), instance).orElseThrow();
        ArrayNode events = target.events();
        boolean marked = false;
        for (JsonNode e : events) {
            ObjectNode event = (ObjectNode) e;
            String status = event.path("status").asText();
            boolean inCommand = false;
            for (JsonNode name : command.events()) {
                inCommand |= name.asText().equals(event.path("lifecycleEventName").asText());
            }
            if (inCommand && !marked && List.of("Pending", "InProgress").contains(status)) {
                event.put("status", "Failed");
                event.put("endTime", clock.millis() / 1000.0);
                event.putObject("diagnostics").put("errorCode", "UnknownError").put("message", message).put("logTail", "");
                marked = true;
            }
        }
        repo.updateTarget(d.id(), instance, "Failed", events, clock.millis());
    }

    /** Marks a load balancer event (BlockTraffic, AllowTraffic) of a target. */
    void event(String deploymentId, String instance, String name, String status, String message) {
        TargetRow target = repo.target(deploymentId, instance).orElseThrow();
        ArrayNode events = target.events();
        double now = clock.millis() / 1000.0;
        for (JsonNode e : events) {
            if (name.equals(e.path("lifecycleEventName").asText())) {
                ObjectNode event = (ObjectNode) e;
                if ("InProgress".equals(status)) {
                    event.put("startTime", now);
                } else {
                    event.put("endTime", now);
                    event.putObject("diagnostics").put("errorCode", "Success").put("message", name + " done by the load balancer");
                }
                event.put("status", status);
            }
        }
        boolean allDone = true;
        for (JsonNode e : events) {
            allDone &= List.of("Succeeded", "Skipped").contains(e.path("status").asText());
        }
        repo.updateTarget(deploymentId, instance, allDone ? "Succeeded" : "InProgress", events, clock.millis());
    }

    private Optional<String> firingAlarm(DeploymentRow d) {
        JsonNode config = d.document().path("_").path("alarmConfiguration");
        if (!config.path("enabled").asBoolean(false)) {
            return Optional.empty();
        }
        for (JsonNode alarm : config.path("alarms")) {
            String name = alarm.path("name").asText();
            Optional<AlarmStates.AlarmState> state = alarms == null ? Optional.empty() : alarms.state(name);
            if (state.isEmpty()) {
                if (!config.path("ignorePollAlarmFailure").asBoolean(false)) {
                    return Optional.of("The alarm " + name + " could not be read (no such alarm on this server)");
                }
                continue;
            }
            if (AlarmStates.AlarmState.ALARM.equals(state.get().stateValue())) {
                return Optional.of("The deployment was stopped because the alarm " + name + " is in the ALARM state: "
                        + state.get().stateReason());
            }
        }
        return Optional.empty();
    }

    private static boolean rollsBackOn(DeploymentRow d, String event) {
        JsonNode config = d.document().path("autoRollbackConfiguration");
        if (!config.path("enabled").asBoolean(false)) {
            return false;
        }
        for (JsonNode e : config.path("events")) {
            if (event.equals(e.asText())) {
                return true;
            }
        }
        return false;
    }

    private void succeed(DeploymentRow d) {
        ObjectNode doc = d.document();
        doc.put("status", "Succeeded");
        doc.put("completeTime", clock.millis() / 1000.0);
        if (repo.advance(d.id(), d.step(), d.step(), "Succeeded", doc, null)) {
            repo.recordLastSuccess(d.application(), d.group(), d.id());
        }
    }

    /**
     * Ends a deployment: commits its status, error and (when due) its rollback's id; cancels commands not yet taken;
     * then {@link #cleanUp} puts traffic back on the old version and starts the rollback.
     */
    void finish(DeploymentRow d, String status, String code, String message, boolean rollback) {
        ObjectNode doc = d.document();
        doc.put("status", status);
        doc.put("completeTime", clock.millis() / 1000.0);
        if (code != null || message != null) {
            doc.putObject("errorInformation").put("code", code == null ? "MANUAL_STOP" : code).put("message", message);
        }
        ObjectNode internal = doc.with("_");
        internal.put("cleanup", "pending");
        if (rollback) {
            Optional<DeploymentRow> lastGood = Optional.ofNullable(repo.group(d.application(), d.group()).map(g -> g.lastSuccess()).orElse(null))
                    .flatMap(repo::deployment);
            if (lastGood.isPresent()) {
                doc.putObject("rollbackInfo").put("rollbackDeploymentId", Deployments.newDeploymentId())
                        .put("rollbackMessage", "Automatic rollback triggered by " + (code == null ? "a stop request" : code)
                                + " redeploys the revision of " + lastGood.get().id());
                internal.put("rollbackFrom", lastGood.get().id());
            } else {
                doc.putObject("rollbackInfo").put("rollbackMessage", "No rollback deployment: the deployment group has no earlier successful "
                        + "deployment (a blue/green deployment's traffic is back on its original instances all the same)");
            }
        }
        // Targets first (events not run are Skipped), then the deployment's end: whoever reads it ended sees them so.
        long now = clock.millis();
        for (TargetRow t : repo.targets(d.id())) {
            ArrayNode events = t.events();
            for (JsonNode e : events) {
                if ("Pending".equals(e.path("status").asText())) {
                    ((ObjectNode) e).put("status", "Skipped");
                }
            }
            String targetStatus = List.of("Failed", "Succeeded").contains(t.status()) ? t.status() : "Skipped";
            if ("InProgress".equals(t.status())) {
                targetStatus = "Failed";
            }
            repo.updateTarget(d.id(), t.instance(), targetStatus, events, now);
            // Commands not taken are withdrawn; one being run is cancelled too: its agent's next report is refused, and it
            // stops there (an event already running finishes, as with CodeDeploy).
            repo.command(d.id(), t.instance(), d.step()).ifPresent(c -> repo.moveCommand(c.id(), List.of("Pending", "InProgress"), "Cancelled", now));
        }
        if (!repo.advance(d.id(), d.step(), d.step(), status, doc, d.stepStarted())) {
            return; // someone else moved it: the loop reads it again
        }
        cleanUp(repo.deployment(d.id()).orElseThrow());
    }

    /** After a failure or stop: blue/green traffic back to the original fleet, then the rollback deployment, once. */
    private void cleanUp(DeploymentRow d) {
        ObjectNode doc = d.document();
        JsonNode internal = doc.path("_");
        String backend = internal.path("backend").asText(null);
        boolean blueGreen = "BLUE_GREEN".equals(doc.path("deploymentStyle").path("deploymentType").asText());
        String rollbackId = doc.path("rollbackInfo").path("rollbackDeploymentId").asText(null);
        List<String> replacement = new ArrayList<>();
        if (blueGreen && backend != null) {
            for (TargetRow t : repo.targets(d.id())) {
                if ("Blue".equals(t.role())) {
                    traffic.allow(backend, t.instance());
                }
            }
            for (TargetRow t : repo.targets(d.id())) {
                if ("Green".equals(t.role())) {
                    replacement.add(t.instance());
                    traffic.block(backend, t.instance(), settings.drainTimeout());
                }
            }
        }
        if (rollbackId != null && repo.deployment(rollbackId).isEmpty()) {
            startRollback(d, rollbackId, replacement);
        }
        doc.with("_").put("cleanup", "done");
        repo.updateDeployment(d.id(), d.status(), doc, d.plan());
    }

    private void startRollback(DeploymentRow failed, String rollbackId, List<String> replacement) {
        var group = repo.group(failed.application(), failed.group()).orElse(null);
        if (group == null) {
            return;
        }
        String fromId = failed.document().path("_").path("rollbackFrom").asText(null);
        DeploymentRow lastGood = fromId == null ? null : repo.deployment(fromId).orElse(null);
        boolean blueGreen = "BLUE_GREEN".equals(failed.document().path("deploymentStyle").path("deploymentType").asText());
        if (lastGood == null) {
            return;
        }
        ObjectNode revision = (ObjectNode) lastGood.document().get("revision");
        String configName = lastGood.document().path("deploymentConfigName").asText();
        ObjectNode config = DeploymentConfigs.PREDEFINED.getOrDefault(configName,
                repo.config(configName).map(DeployRepository.ConfigRow::document).orElse(DeploymentConfigs.PREDEFINED.get("CodeDeployDefault.OneAtATime")));
        ObjectNode targetInstances = Deployments.JSON.createObjectNode();
        replacement.forEach(targetInstances.putArray("replacement")::add);
        DeploymentRow rollback = deployments.createWithId(group, new Deployments.Request(revision, configName, config,
                "Automatic rollback of " + failed.id(), "codeDeployRollback", failed.document().path("ignoreApplicationStopFailures").asBoolean(),
                failed.document().path("fileExistsBehavior").asText(null), blueGreen ? targetInstances : null,
                Deployments.JSON.createObjectNode().put("enabled", false), failed.id(), blueGreen), rollbackId);
        LOG.info("deployment {} rolls back with {}", failed.id(), rollback.id());
        start(rollback.id());
    }

    @Override
    public void close() {
        closed = true;
        running.values().forEach(Thread::interrupt);
        for (Thread t : running.values()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
