package dev.conveyor.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.agent.CaBundle;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code conveyor agent --deploy-instance-name NAME}: this host as an on-premises instance of the server's CodeDeploy
 * API. It registers itself (name and tags), then takes host commands one at a time, runs their lifecycle events with
 * {@link LifecycleRunner} and reports each event as it starts and ends; a heartbeat shows the server it is alive while
 * a hook runs. An instance registered before (by an earlier run) is simply tagged again.
 */
public final class DeployAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeployAgent.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final DeployApiClient api;
    private final String instanceName;
    private final Map<String, String> tags;
    private final LifecycleRunner runner;
    private Thread poller;
    private Thread heartbeat;
    private volatile boolean closed;

    /** @param signer signs the agent's calls (SigV4 with the agent's own key, as its job calls) */
    public DeployAgent(URI server, CaBundle trust, dev.conveyor.agent.RequestSigner signer, String instanceName, Map<String, String> tags,
                       Path workDir) {
        this(server, trust, signer, instanceName, tags, workDir, Map.of());
    }

    /**
     * An agent whose hooks also get {@code hookEnvironment}: for several agents in one process (the demo's hosts), which
     * share one process environment but each need to say where its host's application lives.
     */
    public DeployAgent(URI server, CaBundle trust, dev.conveyor.agent.RequestSigner signer, String instanceName, Map<String, String> tags,
                       Path workDir, Map<String, String> hookEnvironment) {
        this.api = new DeployApiClient(server, trust, signer);
        this.instanceName = instanceName;
        this.tags = Map.copyOf(tags);
        this.runner = new LifecycleRunner(workDir.resolve("deploy"), api, hookEnvironment);
    }

    public String instanceName() {
        return instanceName;
    }

    /** Registers (retrying while the server is unreachable) and starts taking commands. */
    public DeployAgent start() {
        poller = Thread.ofPlatform().name("deploy-agent-" + instanceName).daemon().start(this::pollLoop);
        heartbeat = Thread.ofPlatform().name("deploy-heartbeat-" + instanceName).daemon().start(this::heartbeatLoop);
        return this;
    }

    private void register() throws IOException, InterruptedException {
        ObjectNode input = api.mapper().createObjectNode().put("instanceName", instanceName)
                .put("iamSessionArn", "arn:aws:sts::000000000000:assumed-role/conveyor-agent/" + instanceName);
        try {
            api.call(DeployApiClient.CODEDEPLOY, "RegisterOnPremisesInstance", input);
        } catch (DeployApiClient.ApiError e) {
            if (!"InstanceNameAlreadyRegisteredException".equals(e.type)) {
                throw e;
            }
        }
        if (!tags.isEmpty()) {
            ObjectNode add = api.mapper().createObjectNode();
            add.putArray("instanceNames").add(instanceName);
            var list = add.putArray("tags");
            tags.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
            api.call(DeployApiClient.CODEDEPLOY, "AddTagsToOnPremisesInstances", add);
        }
        LOG.info("registered as on-premises instance {} with tags {}", instanceName, tags);
    }

    private void pollLoop() {
        boolean registered = false;
        while (!closed) {
            try {
                if (!registered) {
                    register();
                    registered = true;
                }
                JsonNode answer = api.call(DeployApiClient.COMMANDS, "PollHostCommand", host());
                JsonNode command = answer.get("HostCommand");
                if (command == null) {
                    Thread.sleep(POLL);
                    continue;
                }
                execute(command);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("deploy agent {}: {}", instanceName, e.toString());
                if (e instanceof DeployApiClient.ApiError error && "InstanceNotRegisteredException".equals(error.type)) {
                    registered = false;
                }
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void heartbeatLoop() {
        while (!closed) {
            try {
                Thread.sleep(HEARTBEAT);
                api.call(DeployApiClient.COMMANDS, "PutHostHeartbeat", host());
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("heartbeat failed: {}", e.toString());
            }
        }
    }

    private ObjectNode host() {
        return api.mapper().createObjectNode().put("HostIdentifier", instanceName);
    }

    private void execute(JsonNode command) throws IOException, InterruptedException {
        String commandId = command.path("CommandId").asText();
        LifecycleRunner.Spec spec = LifecycleRunner.Spec.of(command);
        LOG.info("deployment {}: running {}", spec.deploymentId(), command.path("LifecycleEvents"));
        boolean failed = false;
        for (JsonNode e : command.path("LifecycleEvents")) {
            String event = e.asText();
            if (!report(commandId, event, "InProgress", null, null, null, null)) {
                LOG.info("deployment {}: the server no longer takes this command (the deployment ended); {} and the rest are not run",
                        spec.deploymentId(), event);
                return;
            }
            try {
                String message = runner.run(spec, event);
                report(commandId, event, "Succeeded", "Success", null, message, LifecycleRunner.tail(runner.eventLog(spec, event)));
            } catch (HookFailure f) {
                LOG.warn("deployment {}: {} failed: {}", spec.deploymentId(), event, f.getMessage());
                report(commandId, event, "Failed", f.errorCode, f.scriptName, f.getMessage(), LifecycleRunner.tail(runner.eventLog(spec, event)));
                failed = true;
                break;
            } catch (IOException | RuntimeException x) {
                report(commandId, event, "Failed", "UnknownError", null, x.toString(), LifecycleRunner.tail(runner.eventLog(spec, event)));
                failed = true;
                break;
            }
        }
        reliably("PutHostCommandComplete", host().put("CommandId", commandId).put("CommandStatus", failed ? "Failed" : "Succeeded"));
    }

    /**
     * Sends a report until the server takes it: a server that restarts mid-deployment gets every event's outcome once
     * it is back, and the deployment goes on where it was. An error answer (the command was failed or cancelled
     * meanwhile) is not retried.
     */
    private boolean reliably(String operation, ObjectNode input) throws InterruptedException {
        Duration wait = Duration.ofMillis(250);
        while (!closed) {
            try {
                api.call(DeployApiClient.COMMANDS, operation, input);
                return true;
            } catch (DeployApiClient.ApiError e) {
                LOG.warn("deploy agent {}: {} refused: {}", instanceName, operation, e.getMessage());
                return false;
            } catch (IOException e) {
                LOG.warn("deploy agent {}: {} not delivered ({}); retrying", instanceName, operation, e.toString());
                Thread.sleep(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
            }
        }
        return false;
    }

    private boolean report(String commandId, String event, String status, String code, String script, String message, String logTail)
            throws InterruptedException {
        ObjectNode input = host().put("CommandId", commandId).put("LifecycleEventName", event).put("Status", status);
        if (code != null) {
            ObjectNode d = input.putObject("Diagnostics").put("ErrorCode", code).put("Message", message == null ? "" : message)
                    .put("LogTail", logTail == null ? "" : logTail);
            if (script != null) {
                d.put("ScriptName", script);
            }
        }
        return reliably("PutLifecycleEventStatus", input);
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) {
            poller.interrupt();
        }
        if (heartbeat != null) {
            heartbeat.interrupt();
        }
        api.close();
    }
}
