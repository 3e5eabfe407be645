package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.deploy.api.CodeDeployApi;
import dev.conveyor.deploy.engine.DeploySettings;
import dev.conveyor.deploy.engine.DeploymentRunner;
import dev.conveyor.deploy.engine.Deployments;
import dev.conveyor.deploy.engine.HostCommands;
import dev.conveyor.deploy.engine.RevisionStore;
import dev.conveyor.deploy.engine.TrafficControl;
import dev.conveyor.deploy.store.DeployRepository;
import dev.conveyor.deploy.store.DeploySchema;
import dev.conveyor.model.alarms.AlarmStates;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.store.Database;
import dev.conveyor.store.outbox.DeploymentRecorder;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Deployments assembled over a database: tables migrated, the CodeDeploy API, the host-command API for agents and the
 * state machine (resumed for deployments a previous run left active). The server routes {@code CodeDeploy_20141006}
 * requests to {@link #codeDeployOperations()}, {@code ConveyorDeployCommands_20261206} to {@link #commandOperations()},
 * bundle downloads to {@link #hostCommands()}, and closes it when it stops.
 */
public final class DeployServices implements AutoCloseable {
    private static final String CODEDEPLOY_MODEL = "codedeploy-2014-10-06.json";
    private static final String COMMANDS_MODEL = "conveyor-deploy-commands-2026-12-06.json";

    private final Deployments deployments;
    private final DeploymentRunner runner;
    private final CodeDeployApi api;
    private final HostCommands hostCommands;

    private DeployServices(Database database, RevisionStore revisions, TrafficControl traffic, AlarmStates alarms, String region,
                           String accountId, Clock clock, DeploySettings settings, DeploymentRecorder recorder) {
        DeployRepository repo = new DeployRepository(database);
        repo.recordChangesWith(recorder);
        deployments = new Deployments(repo, revisions, clock, settings);
        runner = new DeploymentRunner(deployments, traffic, alarms, clock, settings);
        api = new CodeDeployApi(deployments, runner, clock, region, accountId);
        hostCommands = new HostCommands(repo, revisions, clock);
    }

    /**
     * Migrates the deployments' tables and assembles the services; deployments left active are resumed.
     *
     * @param traffic {@link TrafficControl#NONE} without a load balancer
     * @param alarms  the alarms deployments watch, or null when the server has none
     */
    public static DeployServices open(Database database, RevisionStore revisions, TrafficControl traffic, AlarmStates alarms, String region,
                                      String accountId, Clock clock, DeploySettings settings) {
        return open(database, revisions, traffic, alarms, region, accountId, clock, settings, DeploymentRecorder.NONE);
    }

    /**
     * As {@link #open(Database, RevisionStore, TrafficControl, AlarmStates, String, String, Clock, DeploySettings)},
     * telling {@code recorder} of every deployment's and target's status change inside the transaction that makes it
     * (from the first: deployments resumed here included).
     */
    public static DeployServices open(Database database, RevisionStore revisions, TrafficControl traffic, AlarmStates alarms, String region,
                                      String accountId, Clock clock, DeploySettings settings, DeploymentRecorder recorder) {
        DeploySchema.migrate(database);
        DeployServices services = new DeployServices(database, revisions, traffic, alarms, region, accountId, clock, settings, recorder);
        services.runner.resumeAll();
        return services;
    }

    public static ServiceModel codeDeployModel() {
        return ServiceModel.load(CODEDEPLOY_MODEL);
    }

    public static ServiceModel commandsModel() {
        return ServiceModel.load(COMMANDS_MODEL);
    }

    public Map<String, Function<JsonNode, JsonNode>> codeDeployOperations() {
        return api.operations();
    }

    public Map<String, Function<JsonNode, JsonNode>> commandOperations() {
        return Map.of("PollHostCommand", hostCommands::poll, "PutHostHeartbeat", hostCommands::heartbeat,
                "PutLifecycleEventStatus", hostCommands::lifecycleEvent, "PutHostCommandComplete", hostCommands::complete);
    }

    public HostCommands hostCommands() {
        return hostCommands;
    }

    public CodeDeployApi api() {
        return api;
    }

    public Deployments deployments() {
        return deployments;
    }

    @Override
    public void close() {
        runner.close();
    }
}
