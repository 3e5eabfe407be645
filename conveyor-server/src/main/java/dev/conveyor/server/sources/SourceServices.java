package dev.conveyor.server.sources;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.validation.PipelineLimits;
import dev.conveyor.model.validation.TagValidator;
import dev.conveyor.server.ServerConfig;
import dev.conveyor.server.codepipeline.Arns;
import dev.conveyor.server.connections.ConnectionOperations;
import dev.conveyor.server.connections.ConnectionResolver;
import dev.conveyor.server.git.GitHttpServlet;
import dev.conveyor.server.git.HostedRepositories;
import dev.conveyor.server.git.ServerAddress;
import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.server.triggers.ActionRevisionOperations;
import dev.conveyor.server.triggers.ObjectPutEvents;
import dev.conveyor.server.triggers.ScheduleRunner;
import dev.conveyor.server.triggers.SourceIndex;
import dev.conveyor.server.triggers.SourceJobData;
import dev.conveyor.server.triggers.SourcePoller;
import dev.conveyor.server.triggers.SourceTriggers;
import dev.conveyor.server.webhooks.WebhookEndpoint;
import dev.conveyor.server.webhooks.WebhookOperations;
import dev.conveyor.store.Database;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import dev.conveyor.store.source.ConnectionRepository;
import dev.conveyor.store.source.PipelineVersions;
import dev.conveyor.store.source.ScheduleRepository;
import dev.conveyor.store.source.SourceRevisionRepository;
import dev.conveyor.store.source.WebhookRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Sources, hosted repositories and triggers (issue 5), assembled: git hosting at {@code /v1/repos}, the
 * CodeConnections and CodeStar connections APIs, webhooks (API and {@code /webhooks/} endpoint),
 * PutActionRevision, the job data git sources need, push, webhook and S3 triggers, the poller and the schedules.
 * {@link #listening} must be told the listener's address once it is bound; {@link #start} then starts the timers.
 */
public final class SourceServices implements AutoCloseable {
    /** The connections APIs these services answer (CodeConnections and its older name, CodeStar Connections): their models by service. */
    public static final Map<String, String> CONNECTION_MODELS = Map.of("codeconnections", "codeconnections-2023-12-01.json",
            "codestar-connections", "codestar-connections-2019-12-01.json");

    private final ServerAddress address;
    private final HostedRepositories repositories;
    private final SourceTriggers triggers;
    private final SourcePoller poller;
    private final ScheduleRunner schedules;
    private final GitHttpServlet gitServlet;
    private final WebhookEndpoint webhookEndpoint;
    private final Map<String, JsonOperation> codePipelineOperations = new HashMap<>();
    private final Map<String, JsonService> jsonServices = new HashMap<>();

    private SourceServices(Path dataDir, ServerConfig.SourceSettings settings, Database database, PipelineRepository pipelines,
                           TagRepository tags, PipelineLimits limits, ExecutionEngine engine, ObjectStore objects, Arns arns,
                           String region, String accountId, Clock clock) {
        address = new ServerAddress(settings.publicUrl());
        // Issue 19: on PostgreSQL, repositories live in the database, so a push to one replica is seen by all at once.
        repositories = new HostedRepositories(dataDir.resolve("git"), database.kind() == Database.Kind.POSTGRESQL
                ? dev.conveyor.cluster.DatabaseGitRepositories.open(database) : null);
        repositories.removeInterruptedWrites();
        ConnectionRepository connectionRows = new ConnectionRepository(database);
        ConnectionResolver connections = new ConnectionResolver(connectionRows, address, clock);
        SourceIndex index = new SourceIndex(new PipelineVersions(database), pipelines, clock, Duration.ofSeconds(30));
        triggers = new SourceTriggers(engine, index, connections, repositories, region, accountId);
        SourceJobData.register(engine, address, repositories, connections);
        if (objects instanceof ObjectPutEvents events) {
            events.listen(v -> triggers.objectPut(v.bucket(), v.key(), v.versionId()));
        }
        SourceRevisionRepository revisions = new SourceRevisionRepository(database);
        poller = new SourcePoller(triggers, revisions, repositories, connections, objects, clock, settings.pollInterval());
        schedules = new ScheduleRunner(new ScheduleRepository(database), triggers, clock, settings.scheduleInterval(), region, accountId);
        gitServlet = new GitHttpServlet(repositories, triggers);

        WebhookRepository webhooks = new WebhookRepository(database);
        webhookEndpoint = new WebhookEndpoint(webhooks, triggers, clock);
        codePipelineOperations.putAll(new WebhookOperations(webhooks, pipelines, tags, new TagValidator(limits), arns, address, clock).operations());
        codePipelineOperations.putAll(new ActionRevisionOperations(pipelines, revisions, triggers, accountId, clock).operations());
        for (Map.Entry<String, String> service : CONNECTION_MODELS.entrySet()) {
            JsonService json = new JsonService(ServiceModel.load(service.getValue()),
                    new ConnectionOperations(connectionRows, tags, connections, service.getKey(), region, accountId, clock).operations());
            jsonServices.put(json.targetPrefix(), json);
        }
    }

    public static SourceServices open(Path dataDir, ServerConfig.SourceSettings settings, Database database, PipelineRepository pipelines,
                                      TagRepository tags, PipelineLimits limits, ExecutionEngine engine, ObjectStore objects, Arns arns,
                                      String region, String accountId, Clock clock) {
        return new SourceServices(dataDir, settings, database, pipelines, tags, limits, engine, objects, arns, region, accountId, clock);
    }

    /** Webhook and PutActionRevision operations, for the CodePipeline service. */
    public Map<String, JsonOperation> codePipelineOperations() {
        return Map.copyOf(codePipelineOperations);
    }

    /** The CodeConnections and CodeStar connections services, by target prefix. */
    public Map<String, JsonService> jsonServices() {
        return Map.copyOf(jsonServices);
    }

    /** The webhook endpoint's route. */
    public RequestRouter.PathRoute webhookRoute() {
        // Webhook deliveries are checked by their own HMAC or token (WebhookAuthentication), never signed with SigV4.
        return new RequestRouter.PathRoute(WebhookOperations.URL_PATH, webhookEndpoint::handle).unsigned();
    }

    /** Git's smart HTTP, to be mounted at {@code /v1/repos/*}. */
    public GitHttpServlet gitServlet() {
        return gitServlet;
    }

    public static String gitServletMapping() {
        return GitHttpServlet.PATH + "/*";
    }

    public HostedRepositories repositories() {
        return repositories;
    }

    public SourcePoller poller() {
        return poller;
    }

    public ScheduleRunner schedules() {
        return schedules;
    }

    /** Records the listener's address (for clone, webhook and revision URLs) and starts polling and schedules. */
    public SourceServices listening(String endpoint, int port) {
        address.listening(endpoint, port);
        poller.start();
        schedules.start();
        return this;
    }

    @Override
    public void close() {
        poller.close();
        schedules.close();
        repositories.close();
    }
}
