package dev.conveyor.deploy.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.deploy.errors.InstanceNotRegisteredException;
import dev.conveyor.deploy.errors.InvalidOperationException;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeployRepository.CommandRow;
import dev.conveyor.deploy.store.DeployRepository.DeploymentRow;
import dev.conveyor.deploy.store.DeployRepository.TargetRow;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The host side of deployments, for conveyor agents acting as the CodeDeploy agent of an on-premises instance: take
 * the next command (lifecycle events to run), report each event's start and end (with its diagnostics and log tail),
 * complete the command, and show liveness while a hook runs. Every report is committed as it arrives; the deployment's
 * state machine reads them.
 */
public final class HostCommands {
    /** Where an agent downloads a command's revision bundle (followed by the command id). */
    public static final String BUNDLE_PREFIX = "/conveyor/deploy/bundles/";

    private final DeployRepository repo;
    private final RevisionStore revisions;
    private final Clock clock;

    public HostCommands(DeployRepository repo, RevisionStore revisions, Clock clock) {
        this.repo = repo;
        this.revisions = revisions;
        this.clock = clock;
    }

    private void registered(String host) {
        var instance = repo.instance(host).orElseThrow(() -> new InstanceNotRegisteredException(
                "The on-premises instance " + host + " is not registered", "HostIdentifier"));
        if (instance.document().hasNonNull("deregisterTime")) {
            throw new InstanceNotRegisteredException("The on-premises instance " + host + " is deregistered", "HostIdentifier");
        }
        repo.seen(host, clock.millis());
    }

    public JsonNode heartbeat(JsonNode input) {
        registered(input.path("HostIdentifier").asText());
        return null;
    }

    /** The host's oldest open command (now InProgress), with what the agent needs to run it; empty output when none. */
    public JsonNode poll(JsonNode input) {
        String host = input.path("HostIdentifier").asText();
        registered(host);
        ObjectNode output = Deployments.JSON.createObjectNode();
        Optional<CommandRow> open = repo.openCommand(host);
        if (open.isEmpty()) {
            return output;
        }
        CommandRow command = open.get();
        DeploymentRow d = repo.deployment(command.deploymentId()).orElseThrow();
        if (!DeploymentRunner.ACTIVE.contains(d.status())) {
            repo.moveCommand(command.id(), List.of("Pending", "InProgress"), "Cancelled", clock.millis());
            return output;
        }
        repo.moveCommand(command.id(), List.of("Pending"), "InProgress", clock.millis());
        ObjectNode hostCommand = output.putObject("HostCommand");
        hostCommand.put("CommandId", command.id());
        hostCommand.put("DeploymentId", d.id());
        hostCommand.set("LifecycleEvents", command.events());
        hostCommand.put("BundlePath", BUNDLE_PREFIX + command.id());
        ObjectNode spec = hostCommand.putObject("DeploymentSpecification");
        JsonNode doc = d.document();
        spec.put("DeploymentId", d.id());
        spec.put("ApplicationName", d.application());
        spec.put("DeploymentGroupName", d.group());
        spec.put("DeploymentGroupId", doc.path("_").path("groupId").asText());
        spec.put("DeploymentCreator", doc.path("creator").asText());
        spec.set("Revision", doc.get("revision"));
        spec.put("FileExistsBehavior", doc.path("fileExistsBehavior").asText("DISALLOW"));
        spec.put("IgnoreApplicationStopFailures", doc.path("ignoreApplicationStopFailures").asBoolean(false));
        return output;
    }

    private CommandRow command(JsonNode input) {
        String host = input.path("HostIdentifier").asText();
        registered(host);
        CommandRow command = repo.command(input.path("CommandId").asText())
                .filter(c -> c.instance().equals(host))
                .orElseThrow(() -> new InvalidOperationException("No command " + input.path("CommandId").asText() + " for " + host, "CommandId"));
        return command;
    }

    /** Records one lifecycle event's start or end on the target (ignored once the command was failed or cancelled). */
    public JsonNode lifecycleEvent(JsonNode input) {
        CommandRow command = command(input);
        if (!"InProgress".equals(command.status())) {
            throw new InvalidOperationException("The command " + command.id() + " is " + command.status() + "; its reports are no longer taken",
                    "CommandId");
        }
        String name = input.path("LifecycleEventName").asText();
        String status = input.path("Status").asText();
        TargetRow target = repo.target(command.deploymentId(), command.instance()).orElseThrow();
        ArrayNode events = target.events();
        double now = clock.millis() / 1000.0;
        boolean known = false;
        for (JsonNode e : events) {
            if (name.equals(e.path("lifecycleEventName").asText())) {
                known = true;
                ObjectNode event = (ObjectNode) e;
                event.put("status", status);
                if ("InProgress".equals(status)) {
                    event.put("startTime", now);
                } else {
                    if (!event.has("startTime")) {
                        event.put("startTime", now);
                    }
                    event.put("endTime", now);
                }
                JsonNode d = input.path("Diagnostics");
                if (!d.isMissingNode()) {
                    ObjectNode diagnostics = event.putObject("diagnostics");
                    diagnostics.put("errorCode", d.path("ErrorCode").asText("Success"));
                    if (d.has("ScriptName")) {
                        diagnostics.put("scriptName", d.path("ScriptName").asText());
                    }
                    diagnostics.put("message", d.path("Message").asText(""));
                    diagnostics.put("logTail", d.path("LogTail").asText(""));
                }
            }
        }
        if (!known) {
            throw new InvalidOperationException("The target has no lifecycle event " + name, "LifecycleEventName");
        }
        repo.updateTarget(command.deploymentId(), command.instance(), "Failed".equals(status) ? "Failed" : "InProgress", events, clock.millis());
        return null;
    }

    /** Ends a command: the target fails with it, or succeeds once all its events are done. */
    public JsonNode complete(JsonNode input) {
        CommandRow command = command(input);
        String status = input.path("CommandStatus").asText();
        if (!repo.moveCommand(command.id(), List.of("InProgress"), status, clock.millis())) {
            return null; // already failed by the server (agent timeout) or cancelled: the first word stands
        }
        TargetRow target = repo.target(command.deploymentId(), command.instance()).orElseThrow();
        boolean allDone = true;
        for (JsonNode e : target.events()) {
            allDone &= List.of("Succeeded", "Skipped").contains(e.path("status").asText());
        }
        String targetStatus = "Failed".equals(status) ? "Failed" : allDone ? "Succeeded" : "InProgress";
        repo.updateTarget(command.deploymentId(), command.instance(), targetStatus, target.events(), clock.millis());
        return null;
    }

    /** The revision bundle of an open command (what the agent downloads), or empty when no such command is open. */
    public Optional<InputStream> bundle(String commandId) {
        Optional<CommandRow> command = repo.command(commandId).filter(c -> List.of("Pending", "InProgress").contains(c.status()));
        if (command.isEmpty()) {
            return Optional.empty();
        }
        JsonNode s3 = repo.deployment(command.get().deploymentId()).orElseThrow().document().path("revision").path("s3Location");
        return Optional.of(revisions.open(s3.path("bucket").asText(), s3.path("key").asText(), s3.path("version").asText(null)));
    }
}
