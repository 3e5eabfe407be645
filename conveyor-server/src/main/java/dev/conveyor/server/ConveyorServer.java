package dev.conveyor.server;

import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.EngineConfig;
import dev.conveyor.iam.IamServices;
import dev.conveyor.iam.identity.AdministratorBootstrap;
import dev.conveyor.server.iam.QueryEndpoint;
import dev.conveyor.server.audit.AuditIdentities;
import dev.conveyor.server.audit.CallAuditor;
import dev.conveyor.server.audit.GitPushAudit;
import dev.conveyor.functions.FunctionServices;
import dev.conveyor.functions.runtime.InstancePool;
import dev.conveyor.server.functions.LambdaEndpoint;
import java.util.Optional;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.PipelineDeclarations;
import dev.conveyor.engine.agent.Agent;
import dev.conveyor.engine.agent.EngineJobChannel;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.providers.BuiltInProviders;
import dev.conveyor.server.codepipeline.ConditionOperations;
import dev.conveyor.server.codepipeline.ExecutionOperations;
import dev.conveyor.server.conditions.ServerRules;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.actiontype.CompositeActionTypeRegistry;
import dev.conveyor.model.validation.TagValidator;
import dev.conveyor.server.codepipeline.ActionTypeOperations;
import dev.conveyor.server.codepipeline.CustomActionTypes;
import dev.conveyor.server.codepipeline.JobCredentialIssuer;
import dev.conveyor.server.codepipeline.JobOperations;
import dev.conveyor.server.agents.AgentOperations;
import dev.conveyor.store.ActionTypeRepository;
import dev.conveyor.store.JobCredentialRepository;
import java.time.Duration;
import dev.conveyor.server.s3.ArtifactServices;
import dev.conveyor.server.sources.SourceServices;
import dev.conveyor.server.codebuild.CodeBuildServices;
import dev.conveyor.server.secrets.SecretServices;
import dev.conveyor.server.protocol.JsonOperation;
import java.util.HashMap;
import java.util.List;
import dev.conveyor.server.logs.ActionLogEndpoint;
import dev.conveyor.server.console.ConsoleEndpoint;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.validation.PipelineLimits;
import dev.conveyor.model.validation.PipelineValidator;
import dev.conveyor.server.auth.JobCredentialAuthenticator;
import dev.conveyor.server.auth.ApiGate;
import dev.conveyor.server.auth.OperationAuthorizer;
import dev.conveyor.server.auth.RequestAuthenticator;
import dev.conveyor.server.codepipeline.Arns;
import dev.conveyor.server.codepipeline.PipelineOperations;
import dev.conveyor.server.http.MinimumRequestDataRate;
import dev.conveyor.server.http.ProtocolErrorHandler;
import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.server.protocol.AwsJsonProtocol;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.store.Database;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.TagRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server, assembled explicitly in one place: database, repositories, APIs and the HTTP listener.
 * {@link #start()} returns once the port accepts requests and the database is migrated, so a caller may talk
 * to it (and {@code /healthz} answers 200) as soon as it returns.
 */
public final class ConveyorServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConveyorServer.class);

    /** A connection silent for this long (headers or body) is closed. */
    static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** After the grace period a request body must have averaged this rate: 1 KiB/s, far below any real link. */
    static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;
    static final long REQUEST_RATE_GRACE_MILLIS = 5_000;

    private final ServerConfig config;
    private final Clock clock;
    private Database database;
    private Server jetty;
    private ObjectStore objects;
    private ArtifactServices artifactServices;
    private SourceServices sourceServices;
    private CodeBuildServices codeBuildServices;
    private ExecutionEngine engine;
    private ExecutionQueries queries;
    private Agent agent;
    private Thread sweeper;
    private dev.conveyor.audit.AuditServices audit;
    private dev.conveyor.server.tls.SelfSignedCertificate.Files selfSigned;
    private FunctionServices functionServices;
    private dev.conveyor.cluster.SingletonWork singletons;
    private final dev.conveyor.server.ops.Drain drain = new dev.conveyor.server.ops.Drain();
    private dev.conveyor.server.events.EventSettings eventSettings = dev.conveyor.server.events.EventSettings.defaults();
    private dev.conveyor.events.EventServices eventServices;
    private dev.conveyor.cloudwatch.CloudWatchServices cloudWatch;
    private dev.conveyor.engine.invoke.InProcessJobWorker invokeWorker;
    private dev.conveyor.cloudwatch.CloudWatchServices.Settings cloudWatchSettings = dev.conveyor.cloudwatch.CloudWatchServices.Settings.defaults();
    private dev.conveyor.server.deploy.DeployEndpoint deployEndpoint;
    private dev.conveyor.server.iam.JobRoleAuthorization roleAuthorization;
    private dev.conveyor.server.deploy.DeployEndpoint.Options deployOptions = dev.conveyor.server.deploy.DeployEndpoint.Options.defaults();

    public ConveyorServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public ConveyorServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    private List<java.nio.file.Path> jobWritablePaths = List.of();

    /**
     * Host directories every job's sandbox may also write (the demo's deployment target); set before {@link #start()}.
     * Nothing else of the host outside a job's workspace is writable to it, and the data directory is never visible.
     */
    public ConveyorServer allowJobsToWrite(List<java.nio.file.Path> paths) {
        this.jobWritablePaths = List.copyOf(paths);
        return this;
    }

    /** How events are delivered (SMTP server, retries); call before {@link #start()}. */
    public ConveyorServer withEvents(dev.conveyor.server.events.EventSettings settings) {
        this.eventSettings = settings;
        return this;
    }

    /** Deployments' settings (issue 15): the HAProxy runtime socket and timing. Call before {@link #start()}. */
    public ConveyorServer deployments(dev.conveyor.server.deploy.DeployEndpoint.Options options) {
        this.deployOptions = options;
        return this;
    }

    /** Requests served at once, long polls and event streams included; more wait in Jetty's queue. */
    static final int MAX_REQUEST_THREADS = 1_000;
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    /**
     * Starts reading, on a thread of its own, the part of a start that no option changes: the logging configuration,
     * the JDK's locales and the models of every API this server answers (some 350 KB of JSON). {@code conveyor server}
     * calls it before it parses its options, which takes picocli some 150 ms on one core (issue 20: start to healthy);
     * {@link #start} then finds them read, or waits for the one being read. Optional: a start without it reads them.
     */
    public static void readAhead() {
        Thread.ofPlatform().daemon().name("conveyor-read-ahead").start(() -> {
            LoggerFactory.getILoggerFactory(); // logback configures itself on first use: some 30 ms
            java.util.Locale.getAvailableLocales(); // Jetty's MimeTypes asks for them as it loads (some 40 ms); the JDK keeps them
            ServiceModel.codePipeline();
            ServiceModel.conveyorAgent();
            ServiceModel.codeBuild();
            dev.conveyor.deploy.DeployServices.codeDeployModel();
            dev.conveyor.deploy.DeployServices.commandsModel();
            SourceServices.CONNECTION_MODELS.values().forEach(ServiceModel::load);
            dev.conveyor.cloudwatch.api.CloudWatchApi.model();
            dev.conveyor.events.EventServices.eventBridgeModel();
            ServiceModel.load(SecretServices.SSM_MODEL);
            ServiceModel.load(SecretServices.SECRETS_MANAGER_MODEL);
            dev.conveyor.audit.AuditServices.cloudTrailModel();
        });
    }

    /** Opens the database, wires the APIs and starts listening. */
    public synchronized ConveyorServer start() {
        if (!config.auth().enforced()) {
            if (!isLoopback(config.bindAddress())) {
                throw new IllegalStateException("--auth none is refused with --bind " + config.bindAddress() + ": without authentication "
                        + "anyone who reaches the port may run commands on this host. Bind to 127.0.0.1 or drop --auth none.");
            }
            LOG.warn("""
                    ***********************************************************************************************
                    * AUTHENTICATION IS OFF (--auth none): any process on this host that reaches {}:{} may   *
                    * create pipelines, run commands as this user, and read every artifact and secret.            *
                    * Use only for throwaway local work.                                                          *
                    ***********************************************************************************************""",
                    config.bindAddress(), config.port());
        }
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        // The HTTP listener and the API models do not need the database: they are made on a thread of their own while
        // the database opens (H2's file or a connection, the schema check), so that on two cores a start takes the
        // longer of the two rather than both (issue 8: start to healthy).
        CompletableFuture<ServletContextHandler> listener = CompletableFuture.supplyAsync(this::newListener,
                task -> Thread.ofPlatform().name("conveyor-start").start(task));
        // Whether jobs can run in a bubblewrap sandbox: a probe that runs bwrap once, mostly waiting for the child
        // process, so it runs meanwhile too (issue 20: it was tens of milliseconds of every start on one thread).
        CompletableFuture<dev.conveyor.providers.sandbox.JobSandbox> sandboxProbe = CompletableFuture.supplyAsync(
                () -> dev.conveyor.providers.sandbox.JobSandbox.detect(jobWritablePaths),
                task -> Thread.ofPlatform().name("conveyor-sandbox-probe").start(task));
        // The embedded database's keyring is a file: read while the database opens, as reading it is the start's first
        // data binding, some 45 ms of Jackson (issue 20). On PostgreSQL it is kept in the database (issue 19).
        CompletableFuture<Keyring> keyringFile = config.databaseUrl() != null ? null : CompletableFuture.supplyAsync(
                () -> new Keyring(Keyring.file(keysDir()), clock), task -> Thread.ofPlatform().name("conveyor-keyring").start(task));
        try {
            database = config.databaseUrl() == null ? Database.embedded(config.dataDir()) : Database.open(config.databaseUrl());
        } finally {
            listener.join(); // whether or not the database opened, nothing is left running
        }

        // Issue 19: singleton work (schedules, polling, sweeps, retention) runs on the replica holding its advisory lock.
        singletons = dev.conveyor.cluster.SingletonWork.open(database, hostName() + ":" + config.dataDir().toAbsolutePath(),
                dev.conveyor.cluster.SingletonWork.TASKS);
        dev.conveyor.server.ops.ServerMetrics metrics = new dev.conveyor.server.ops.ServerMetrics(database, clock);

        PipelineLimits limits = PipelineLimits.defaults();
        TagRepository tags = new TagRepository(database, limits.maxTagsPerResource());
        PipelineRepository pipelines = new PipelineRepository(database, tags);
        CustomActionTypes customActionTypes = new CustomActionTypes(new ActionTypeRepository(database));
        ActionTypeRegistry actionTypes = CompositeActionTypeRegistry.withBuiltIns(customActionTypes);
        PipelineValidator validator = new PipelineValidator(actionTypes, limits, config.region());
        ActionTypeOperations actionTypeOperations = new ActionTypeOperations(new ActionTypeRepository(database), customActionTypes,
                tags, new TagValidator(limits), config.region(), config.accountId(), clock);
        Arns arns = new Arns(config.region(), config.accountId());
        PipelineOperations pipelineOperations = new PipelineOperations(pipelines, tags, validator, limits, arns, config.accountId(),
                clock, actionTypes, actionTypeOperations::exists,
                name -> new dev.conveyor.store.source.WebhookRepository(database).find(name).isPresent(),
                (c, name, caller) -> engine.startExecutionIn(c, dev.conveyor.engine.StartRequest.createPipeline(name, caller)));

        // Artifacts: versioned objects over content-addressed blobs under the data dir (the S3 endpoint serves them).
        // (issue 3: local blobs or an external S3 service per config.artifacts(); ArtifactServices wires them)
        // Issue 19: on PostgreSQL the keyring lives in the database, so every replica decrypts what another encrypted.
        Keyring keyring = database.kind() == Database.Kind.POSTGRESQL
                ? new Keyring(dev.conveyor.cluster.DatabaseKeyring.open(database, masterKeyFile(), keysDir(), clock), clock)
                : keyringFile != null ? joined(keyringFile) : new Keyring(Keyring.file(keysDir()), clock);
        artifactServices = ArtifactServices.open(config.dataDir(), keyring, config.artifacts().externalEndpoint(),
                config.artifacts().maxObjectBytes(), database, config.region(), config.accountId(), clock);
        objects = artifactServices.objects();
        ObjectArtifactStore artifacts = artifactServices.artifacts();

        // Executions: the engine, its timers, and the agent that runs built-in providers in this process.
        PipelineDeclarations declarations = new PipelineDeclarations(pipelines);
        ServerConfig.EngineSettings settings = config.engine();
        EngineConfig engineConfig = EngineConfig.defaults(config.dataDir(), config.region(), config.accountId())
                .withApprovalTimeout(settings.approvalTimeout()).withLeaseDuration(settings.leaseDuration())
                .withSweepInterval(settings.sweepInterval()).withAcknowledgeTimeout(settings.acknowledgeTimeout())
                // CloudWatchAlarm rules read this server's alarms (opened below, before any rule can run).
                .withAlarmStates(alarmName -> cloudWatch.alarms().state(alarmName));
        engine = new ExecutionEngine(database, declarations, engineConfig, clock);
        queries = new ExecutionQueries(database, declarations);
        // Events and notifications (issue 17): the engine writes its events into the outbox inside its transactions.
        eventServices = dev.conveyor.events.EventServices.open(database, config.dataDir(), config.region(), config.accountId(), clock,
                () -> config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl(), eventSettings.smtp(),
                eventSettings.delivery(), this::startFromEvent, eventSettings.tick());
        eventServices.onlyWhile(singletons.gate(dev.conveyor.cluster.SingletonWork.NOTIFICATION_OUTBOX));
        if (eventSettings.recordTransitions()) {
            engine.addTransitionRecorder(eventServices.recorder());
        }
        if (objects instanceof dev.conveyor.server.triggers.ObjectPutEvents puts) { // S3's Object Created events for EventBridge rules
            puts.listen(v -> eventServices.eventBridge().objectCreated(v.bucket(), v.key(), v.size(), v.etag(), v.versionId(), "PutObject"));
        }
        // Sources (issue 5): hosted git, connections, webhooks, triggers, polling, schedules, PutActionRevision.
        sourceServices = SourceServices.open(config.dataDir(), config.sources(), database, pipelines, tags, limits, engine, objects,
                arns, config.region(), config.accountId(), clock);
        // CodeBuild (issue 6): projects, builds, reports; the secret store and its SSM and Secrets Manager APIs.
        SecretServices secretServices = new SecretServices(database, artifactServices.keyring(), config.region(), config.accountId(), clock);
        // Identities and access (issue 14): IAM and STS on this endpoint; policies are not enforced on requests yet.
        IamServices iam = IamServices.open(database, artifactServices.keyring(), config.region(), config.accountId(), clock);
        // The audit trail (issue 14): every mutating call and every failure, kept in the database, CloudTrail's LookupEvents.
        audit = dev.conveyor.audit.AuditServices.open(database, keyId -> AuditIdentities.resolve(iam.signingKeys(), keyId, config.accountId()),
                config.region(), config.accountId(), clock, dev.conveyor.audit.AuditServices.DEFAULT_RETENTION);
        CallAuditor auditor = new CallAuditor(audit.trail(), clock);
        QueryEndpoint iamEndpoint = new QueryEndpoint(iam.queryApi(), iam.signingKeys(), clock, auditor::query);
        // Functions (issue 16): Lambda's API on this endpoint, functions run as local processes over the Runtime API.
        functionServices = FunctionServices.open(database, config.dataDir(), objects, config.region(), config.accountId(),
                InstancePool.RuntimeSettings.defaults(), clock);
        LambdaEndpoint lambdaEndpoint = new LambdaEndpoint(functionServices.api(), functionServices.functions());
        // CloudWatch alarms (issues 15 and 16): JSON 1.0 (the CLI) and Query (SDK v2), Alertmanager's webhook, the alarm timer.
        cloudWatch = dev.conveyor.cloudwatch.CloudWatchServices.open(database, config.region(), config.accountId(), clock, cloudWatchSettings);
        // Jobs' commands (Commands, CodeBuild) run in a sandbox that cannot reach this server's secrets (issue 14, item 8).
        dev.conveyor.providers.sandbox.JobSandbox sandbox = sandboxProbe.join();
        codeBuildServices = new CodeBuildServices(config.dataDir(), database, engine, queries, objects, secretServices.references(),
                engineConfig.logsDir(), settings.agentCapacity(), config.region(), config.accountId(), clock, sandbox,
                sourceServices.repositories());
        // A job's own identity (issue 14, item 8): its action's or pipeline's role, as temporary credentials for its commands.
        engine.handleJobRequestsOfType(dev.conveyor.server.iam.JobRoleCredentials.REQUEST, new dev.conveyor.server.iam.JobRoleCredentials(
                iam.roles(), queries, iam.resourceArns(), () -> config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl()));
        // Stage conditions, rules and rollbacks (issue 16): rules that reach functions and builds are registered here.
        dev.conveyor.engine.ConditionQueries conditionQueries = new dev.conveyor.engine.ConditionQueries(database);
        ConditionOperations conditionOperations = new ConditionOperations(engine, queries, conditionQueries, config.accountId());
        ServerRules.register(engine.ruleProviders(), codeBuildServices.jsonService(),
                () -> config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl());
        ExecutionOperations executionOperations = new ExecutionOperations(engine, queries, pipelines, arns, config.accountId(), actionTypes,
                () -> config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl(), conditionOperations);
        // Sources always run here, next to what they read; builds run here only with the embedded agent on.
        agent = new Agent("embedded@" + hostName() + ":" + config.dataDir().toAbsolutePath(), new EngineJobChannel(engine),
                artifacts, settings.embeddedAgent() ? BuiltInProviders.all(objects, sandbox, this::publicEndpoint)
                        : BuiltInProviders.onServer(objects, this::publicEndpoint),
                settings.agentCapacity(), engineConfig.logsDir(), engineConfig.workspacesDir(), engineConfig.leaseDuration());

        // The job protocol for job workers (custom action types, third-party actions), and Conveyor's agent API.
        JobCredentialRepository jobCredentialStore = new JobCredentialRepository(database);
        JobCredentialIssuer jobCredentials = new JobCredentialIssuer(jobCredentialStore, clock, Duration.ofHours(1));
        JobOperations jobOperations = new JobOperations(engine, actionTypes, jobCredentials, artifacts,
                config.accountId(), Duration.ofSeconds(10));
        // Invoke actions the server runs itself (issue 16 item 5): Lambda functions with the job event, and other pipelines.
        invokeWorker = new dev.conveyor.engine.invoke.InProcessJobWorker(engine,
                "invoke@" + hostName() + ":" + config.dataDir().toAbsolutePath(), 64);
        invokeWorker.register(dev.conveyor.functions.invoke.LambdaInvokeAction.TYPE, new dev.conveyor.functions.invoke.LambdaInvokeAction(
                        functionServices.functions(), jobOperations::jobData, invokeWorker::complete, config.accountId(), engineConfig.logsDir()))
                .register(dev.conveyor.engine.invoke.PipelineInvokeAction.TYPE, new dev.conveyor.engine.invoke.PipelineInvokeAction(
                        engine, invokeWorker::complete, config.region(), config.accountId()));
        JsonService agentApi = new JsonService(ServiceModel.conveyorAgent(),
                new AgentOperations(engine, jobCredentials, artifacts, engineConfig.logsDir()).operations());

        Map<String, JsonOperation> codePipelineOperations = new HashMap<>(pipelineOperations.operations());
        codePipelineOperations.putAll(executionOperations.operations());
        codePipelineOperations.putAll(conditionOperations.operations());
        actionTypeOperations.runningRules(() -> engine.ruleProviders().names());
        codePipelineOperations.putAll(actionTypeOperations.operations());
        codePipelineOperations.putAll(jobOperations.operations());
        codePipelineOperations.putAll(sourceServices.codePipelineOperations());
        // Deployments (issue 15): CodeDeploy's API, the host commands conveyor agents poll, HAProxy when configured.
        deployEndpoint = new dev.conveyor.server.deploy.DeployEndpoint(database, objects, cloudWatch.alarms(), deployOptions, config.region(),
                config.accountId(), clock, eventSettings.recordTransitions() ? eventServices.deploymentRecorder()
                        : dev.conveyor.store.outbox.DeploymentRecorder.NONE); // CodeDeploy's events (issue 17)
        dev.conveyor.server.deploy.PipelineDeployments pipelineDeployments = new dev.conveyor.server.deploy.PipelineDeployments(
                deployEndpoint.services(), queries, this::endpoint);
        engine.handleJobRequests(dev.conveyor.providers.deploy.CodeDeployProvider.TYPE, pipelineDeployments);
        codePipelineOperations.put("ListDeployActionExecutionTargets", pipelineDeployments.listDeployActionExecutionTargets());
        OperationAuthorizer operations = new OperationAuthorizer(iam.authorizer(), iam.resourceArns(), tags::list, clock);
        // Webhook secrets only to who may set them (issue 14): codepipeline:PutWebhook on the webhook.
        codePipelineOperations.computeIfPresent("ListWebhooks", (name, list) -> new dev.conveyor.server.webhooks.WebhookSecretMasking(list,
                (caller, arn) -> operations.allowed(caller, "codepipeline:PutWebhook", arn)));
        JsonService codePipeline = new JsonService(ServiceModel.codePipeline(), codePipelineOperations);
        Map<String, JsonService> jsonServices = new HashMap<>(sourceServices.jsonServices());
        jsonServices.putAll(Map.of(codePipeline.targetPrefix(), codePipeline, agentApi.targetPrefix(), agentApi));
        jsonServices.putAll(secretServices.jsonServices());
        jsonServices.put(codeBuildServices.jsonService().targetPrefix(), codeBuildServices.jsonService());
        JsonService cloudTrail = new JsonService(dev.conveyor.audit.AuditServices.cloudTrailModel(),
                Map.of("LookupEvents", (input, context) -> audit.lookupEvents().handle(input)));
        jsonServices.put(cloudTrail.targetPrefix(), cloudTrail);
        Map<String, JsonOperation> eventBridgeOperations = new HashMap<>();
        eventServices.eventBridge().operations().forEach((name, op) -> eventBridgeOperations.put(name, (input, context) -> op.apply(input)));
        JsonService eventBridge = new JsonService(dev.conveyor.events.EventServices.eventBridgeModel(), eventBridgeOperations);
        jsonServices.put(eventBridge.targetPrefix(), eventBridge);
        Map<String, JsonOperation> cloudWatchOperations = new HashMap<>();
        cloudWatch.api().operations().forEach((name, operation) -> cloudWatchOperations.put(name, (input, context) -> operation.apply(input)));
        JsonService cloudWatchJson = new JsonService(dev.conveyor.cloudwatch.api.CloudWatchApi.model(), cloudWatchOperations);
        jsonServices.put(cloudWatchJson.targetPrefix(), cloudWatchJson);
        jsonServices.putAll(deployEndpoint.jsonServices());
        // Authentication (issue 14): job credentials are verified and scoped to their job's artifacts; every other
        // request must carry a SigV4 signature by a key IAM holds (unless --auth none), and be allowed by its policies.
        boolean enforced = config.auth().enforced();
        // A job's role session ends with its job (JobSessionGuard), whatever its expiry says.
        RequestAuthenticator signatures = enforced
                ? new dev.conveyor.server.auth.JobSessionGuard(new dev.conveyor.server.auth.SignatureAuthenticator(iam.signingKeys(),
                        new dev.conveyor.server.auth.FailedAuthentications(clock, config.auth().maxFailuresPerMinute()), clock, Clock.systemUTC()),
                        dev.conveyor.server.iam.JobRoleCredentials.SESSION_PREFIX, jobId -> engine.findJob(jobId).map(dev.conveyor.store.execution.JobRow::status))
                : RequestAuthenticator.acceptAny();
        RequestAuthenticator authenticator = new JobCredentialAuthenticator(jobCredentialStore,
                jobId -> engine.findJob(jobId).map(dev.conveyor.store.execution.JobRow::dataJson), signatures, clock);
        AwsJsonProtocol json = new AwsJsonProtocol(jsonServices, auditor, new ApiGate(authenticator, operations));
        if (enforced) {
            iamEndpoint.enforce(new QueryEndpoint.Enforcement(authenticator, operations, config.accountId()));
        }
        // S3 requests: the bucket policy and the caller's policies together; unsigned ones only where a bucket policy allows "*".
        dev.conveyor.server.auth.BucketPolicyAuthorization bucketPolicies = new dev.conveyor.server.auth.BucketPolicyAuthorization(
                iam.authorizer(), iam.bucketPolicies(), operations);
        artifactServices.s3().authorizeWith(bucketPolicies).bucketPoliciesIn(bucketPolicies);
        // Pipeline and action roles (issue 14): what a job does on the pipeline's behalf, checked before it runs. An action
        // type that calls Conveyor's services declares what with roleAuthorization.needs(...) (e.g. Deploy/AWS/S3).
        roleAuthorization = new dev.conveyor.server.iam.JobRoleAuthorization(iam.roles(), iam.users(), iam.identityCache(),
                iam.authorizer(), iam.bucketPolicies(), queries, new dev.conveyor.server.iam.PipelineAuthors(pipelines)::author,
                iam.resourceArns(), config.auth().requireKnownRoles(), clock);
        // Deploy/AWS/S3 (issue 15) puts objects into its bucket on the pipeline's behalf.
        roleAuthorization.needs("Deploy", "AWS", "S3", c -> c.get("BucketName") == null ? List.of()
                : List.of(new dev.conveyor.server.iam.JobRoleAuthorization.Need("s3:PutObject", dev.conveyor.iam.ResourceArns.object(
                        c.get("BucketName"), dev.conveyor.providers.deploy.S3DeployProvider.keysWritten(c)))));
        if (enforced) {
            engine.gateJobsWith(roleAuthorization);
        }
        ActionLogEndpoint logs = new ActionLogEndpoint(queries, conditionQueries, engineConfig.logsDir());
        dev.conveyor.server.events.EventEndpoints eventEndpoints = new dev.conveyor.server.events.EventEndpoints(eventServices, engine);
        dev.conveyor.server.cloudwatch.CloudWatchEndpoint cloudWatchEndpoint = new dev.conveyor.server.cloudwatch.CloudWatchEndpoint(
                cloudWatch.api(), cloudWatch.alertmanager(), auditor);
        RequestRouter router = new RequestRouter(json, authenticator, clock,
                List.of(new RequestRouter.PathRoute(ActionLogEndpoint.PREFIX, logs::handle).requiring("logs:GetLogEvents"),
                        audited(sourceServices.webhookRoute(), auditor), codeBuildServices.logRoute().requiring("logs:GetLogEvents"),
                        // GetFunction's Code.Location: a capability URL named by the code's SHA-256, as S3 presigned URLs are
                        new RequestRouter.PathRoute(dev.conveyor.functions.api.LambdaRestApi.CODE_PREFIX, lambdaEndpoint::serveCode).unsigned(),
                        // Alertmanager cannot sign: its webhook carries the bearer token of --alertmanager-token instead
                        // SNS's SigningCertURL, SubscribeURL and UnsubscribeURL are unsigned GETs, as SNS's are (the token is the capability)
                        new RequestRouter.PathRoute(dev.conveyor.events.sns.SnsApi.LINK_PREFIX, eventEndpoints::snsLinks).unsigned(),
                        new RequestRouter.PathRoute(dev.conveyor.server.events.EventEndpoints.EVENTS_PREFIX, eventEndpoints::eventsApi),
                        // an approval's link carries its token: a capability, as PutApprovalResult's token is
                        new RequestRouter.PathRoute(dev.conveyor.events.outbox.ApprovalMessages.PREFIX, eventEndpoints::approvals).unsigned(),
                        new RequestRouter.PathRoute(dev.conveyor.server.cloudwatch.CloudWatchEndpoint.ALERTMANAGER_PATH,
                                cloudWatchEndpoint::handleAlertmanager).unsigned(),
                        // the web console's static files: a browser loads them before it has a key; they hold no data
                        new RequestRouter.PathRoute(ConsoleEndpoint.PREFIX + "/", new ConsoleEndpoint()::handle).unsigned(),
                        // Deployments (issue 15): bundles for agents, a deployment's page for its pipeline action's link
                        deployEndpoint.bundleRoute().requiring("codedeploy-commands:GetDeploymentBundle"),
                        deployEndpoint.deploymentRoute().requiring("codedeploy:GetDeployment")),
                artifactServices.s3(), Map.of("iam", iamEndpoint::handle, "sts", iamEndpoint::handle, "lambda", lambdaEndpoint::handle,
                        "sns", eventEndpoints::sns, "codestar-notifications", eventEndpoints::notifications,
                        "monitoring", cloudWatchEndpoint::handleQuery))
                .observeS3Calls(auditor::s3)
                .authenticateSignedRoute("monitoring", (request, body) -> dev.conveyor.server.cloudwatch.CloudWatchEndpoint.actionOf(request, body))
                .authenticateSignedRoute("lambda", (request, body) -> LambdaEndpoint.actionOf(request, body, config.region(), config.accountId()))
                .authenticateSignedRoute("sns", dev.conveyor.server.events.EventEndpoints::snsActionOf)
                .authenticateSignedRoute("codestar-notifications", dev.conveyor.server.events.EventEndpoints::notificationsActionOf)
                .authorizeRoutesWith((caller, action, resource, request) -> {
                    if (caller.principal() != null) {
                        operations.require(caller.principal(), new dev.conveyor.iam.policy.AuthorizationRequest(action, resource,
                                operations.requestContext(request)), dev.conveyor.server.auth.AccessDeniedException::new);
                    } else if (caller.jobScope() != null) {
                        throw new dev.conveyor.server.auth.AccessDeniedException("These credentials are limited to the artifacts of job "
                                + caller.jobScope().jobId());
                    }
                });
        Optional<java.nio.file.Path> adminCredentials = iam.bootstrap().run(config.dataDir(), config.auth().adminAccessKeyId(),
                config.auth().adminSecretAccessKey());
        ServerHealth health = new ServerHealth(database, config.dataDir());
        router.readiness(health);
        router.browserHome(ConsoleEndpoint.PREFIX + "/"); // the web console (issue 18)
        // Artifact retention (issue 3): never the artifacts of running or latest-successful executions.
        artifactServices.startRetention(config.artifacts().retention(), config.artifacts().retentionInterval(),
                pipelineName -> protectedExecutions(queries, pipelineName), singletons.gate(dev.conveyor.cluster.SingletonWork.RETENTION));
        sourceServices.poller().onlyWhile(singletons.gate(dev.conveyor.cluster.SingletonWork.SOURCE_POLLING));
        sourceServices.schedules().onlyWhile(singletons.gate(dev.conveyor.cluster.SingletonWork.SCHEDULES));

        ServletContextHandler context = listener.join();
        context.addServlet(new ServletHolder("router", router), "/*");
        // A push is an artifact's source: no larger than the largest artifact (issue 13, item 20).
        sourceServices.gitServlet().limitPushes(config.artifacts().maxObjectBytes());
        context.addServlet(new ServletHolder("git", sourceServices.gitServlet()), SourceServices.gitServletMapping());
        context.setErrorHandler(new ProtocolErrorHandler());
        // Issue 19: /metrics, /readyz, and every request timed by operation.
        context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(new dev.conveyor.server.ops.OperationsFilter(metrics, health, drain)),
                "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(new GitPushAudit(auditor,
                dev.conveyor.server.git.GitHttpServlet.PATH + "/")), SourceServices.gitServletMapping(),
                java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        // Hosted git needs credentials (issue 14, item 6): Basic with an access key, or the AWS CLI's credential helper;
        // GitPush / GitPull checked against the caller's policies (not with --auth none). After the push audit, which
        // sees its answer.
        if (config.auth().enforced()) {
            dev.conveyor.server.git.GitAccess gitAccess = new dev.conveyor.server.git.GitAccess(
                    new dev.conveyor.server.git.GitCredentials(iam.signingKeys()::find, config.region(), clock), iam.authorizer(),
                    config.region(), config.accountId(), (operation, repository, keyId, code, message, request, status) ->
                            auditor.gitRefused(operation, repository, keyId, code, message, request));
            context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(gitAccess), SourceServices.gitServletMapping(),
                    java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        }
        // Issue 19: a stop lets the requests in flight finish (up to the stop timeout) and answers new ones 503.
        jetty.setHandler(new org.eclipse.jetty.server.handler.GracefulHandler(
                new MinimumRequestDataRate(context, MIN_REQUEST_BYTES_PER_SECOND, REQUEST_RATE_GRACE_MILLIS)));
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start the HTTP listener on " + config.bindAddress() + ":" + config.port(), e);
        }
        // Background work starts once the listener answers (issue 20: start to healthy): none of it is what healthy means
        // (ready to serve API requests durably), and on two cores it competed with the start for the CPU. start() still
        // returns only once all of it runs.
        sweeper = Thread.ofVirtual().name("conveyor-sweeper").start(this::sweepLoop);
        agent.start(); // releases what a dead predecessor held, then polls for jobs
        cloudWatch.start(); // the alarm timer
        sourceServices.listening(endpoint(), port());
        eventServices.start(); // deliveries name this server's URL (SigningCertURL, SubscribeURL): only once it listens
        codeBuildServices.listening(config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl());
        functionServices.serviceEndpoint(config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl());
        invokeWorker.start();
        metrics.bindJvmMetrics();
        adminCredentials.ifPresent(file -> LOG.info(AdministratorBootstrap.instructions(file, endpoint())));
        LOG.info("Conveyor listening on {} (database: {}, data: {})", config.tls().http() && config.tls().enabled()
                ? endpoint() + " and " + httpsEndpoint() : endpoint(), database.kind(), config.dataDir());
        if (selfSigned != null) {
            LOG.info("HTTPS certificate {} (SHA-256 fingerprint {}{}); clients trust it with: aws --ca-bundle {}  or  export AWS_CA_BUNDLE={}",
                    selfSigned.certificate(), selfSigned.fingerprint(), selfSigned.created() ? ", made now" : "", selfSigned.caBundle(),
                    selfSigned.caBundle());
        }
        return this;
    }

    /**
     * The HTTP listener, not started: Jetty on a pool of request threads, and the servlet context the routes are added to. Also
     * loads the API models, the other large piece of a start that needs no database.
     */
    private ServletContextHandler newListener() {
        ServiceModel.codePipeline();
        // Jetty pads its pools by how many references fill a cache line, and asks JMX whether references are compressed
        // unless this property says: that started JMX's platform MBean server, some 40 ms of every start that nothing
        // else here needs (issue 20: start to healthy). 64-byte lines of 4-byte references below a 32 GiB heap, else 8 bytes.
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, Runtime.getRuntime().maxMemory() < (32L << 30) ? "16" : "8");
        }
        // Requests run on this pool's platform threads rather than on a virtual thread each: on 2 cores, making and
        // scheduling a virtual thread per request (handed over from the selector to the carrier pool) cost 15–19 % of
        // GetPipeline's throughput (issue 20: 30,135 and 27,842 → 35,152 and 33,155 req/s, alternated runs), where
        // Jetty's own strategy runs a request on the thread that read it. A request holds its thread while it runs,
        // long polls included (PollForJobs up to 10 s, agents' polls, event streams, followed logs), hence the maximum.
        QueuedThreadPool threads = new QueuedThreadPool(MAX_REQUEST_THREADS, 8);
        threads.setName("conveyor-http");
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // SigV4 signs header values exactly as sent: Jetty's cache of common header lines, matched case-insensitively,
        // would hand back "text/plain;charset=utf-8" for "text/plain; charset=UTF-8" and break the signature (issue 14).
        http.setHeaderCacheCaseSensitive(true);
        // No per-connection cache of header lines: Jetty caches any known header whose value fits, so every signed
        // request's Authorization (a new value each time) was added to it, filled it within a few requests and
        // emptied it again; a trie insert and its key string per request for no hit (issue 20, JFR allocation
        // samples). Without the cache a header is parsed into its field as any uncached one was.
        http.setHeaderCacheSize(0);
        // S3 object keys may hold "//", "%2F", ".." and the like: let them through to the S3 endpoint (issue 3).
        http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.UNSAFE);
        // No method's body is read as form parameters: getParameter reads the query only, and an anonymous S3 PUT
        // sent as curl's default application/x-www-form-urlencoded keeps its body as the object (issue 13, item 17).
        http.setFormEncodedMethods();
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        // Read requests 64 KiB at a time rather than Jetty's default 8 KiB: an artifact upload otherwise takes 131072
        // read system calls per GiB (0.43 s of CPU per GiB in a profile, 0.28 s with 64 KiB; issue 8). Jetty takes the
        // buffer from its pool only while a connection has bytes to parse.
        http1.setInputBufferSize(64 * 1024);
        ServerConnector connector = new ServerConnector(jetty, http1);
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        // A body (or a request) that stops for this long is ended; one that trickles, by MinimumRequestDataRate.
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        if (config.tls().http()) {
            jetty.addConnector(connector);
        }
        if (config.tls().enabled()) { // issue 14: HTTPS beside (or instead of) HTTP
            ServerConnector https = dev.conveyor.server.tls.HttpsConnectors.create(jetty, http, http1.getInputBufferSize(), tlsKeyStore(),
                    config.bindAddress(), config.tls().httpsPort());
            https.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            jetty.addConnector(https);
        }
        jetty.setStopTimeout(10_000);
        jetty.setErrorHandler(new ProtocolErrorHandler()); // errors Jetty answers before a request reaches the context
        return new ServletContextHandler("/");
    }

    /** The webhook route, each delivery recorded in the audit trail once answered. */
    private static RequestRouter.PathRoute audited(RequestRouter.PathRoute route, CallAuditor auditor) {
        return new RequestRouter.PathRoute(route.prefix(), (request, response) -> {
            try {
                route.handler().handle(request, response);
            } finally {
                auditor.webhook(request, response);
            }
        }, route.action()); // webhooks stay unsigned: their own HMAC or token
    }

    /** The key store HTTPS serves: from --tls-cert/--tls-key, or the self-signed certificate (made on first start). */
    private java.security.KeyStore tlsKeyStore() {
        ServerConfig.TlsSettings tls = config.tls();
        if (tls.certificate() != null) {
            return dev.conveyor.server.tls.PemKeyStores.load(tls.certificate(), tls.privateKey());
        }
        selfSigned = dev.conveyor.server.tls.SelfSignedCertificate.ensure(config.dataDir(), config.bindAddress(), clock);
        return dev.conveyor.server.tls.PemKeyStores.load(selfSigned.certificate(), selfSigned.key());
    }

    private void sweepLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(config.engine().sweepInterval());
                if (singletons.runsHere(dev.conveyor.cluster.SingletonWork.SWEEPS)) {
                    engine.sweep();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("sweep failed: {}", e.toString());
            }
        }
    }

    /**
     * The executions of a pipeline whose artifacts retention must keep: those in progress or stopping, and the
     * latest that succeeded (among the 1000 newest). Stands in until the engine offers its own RetentionGuard.
     */
    private static java.util.Set<String> protectedExecutions(ExecutionQueries queries, String pipelineName) {
        java.util.Set<String> kept = new java.util.HashSet<>();
        boolean succeededSeen = false;
        for (var execution : queries.executions(pipelineName, null, 1000)) {
            var status = execution.status();
            boolean succeeded = status == dev.conveyor.model.execution.PipelineExecutionStatus.Succeeded;
            if (status == dev.conveyor.model.execution.PipelineExecutionStatus.InProgress
                    || status == dev.conveyor.model.execution.PipelineExecutionStatus.Stopping || (succeeded && !succeededSeen)) {
                kept.add(execution.id());
            }
            succeededSeen |= succeeded;
        }
        return kept;
    }

    /** Whether {@code address} is a loopback address (127.0.0.0/8, ::1, localhost): only local processes reach it. */
    static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** An EventBridge rule's pipeline target: starts the pipeline once per event (the event id is the request token). */
    private void startFromEvent(String pipelineArn, String clientRequestToken, String ruleArn) {
        String name = pipelineArn.substring(pipelineArn.lastIndexOf(':') + 1);
        engine.startExecution(new dev.conveyor.engine.StartRequest(name, List.of(), clientRequestToken, List.of(), "CloudWatchEvent", ruleArn));
    }

    /** Events and notifications (for in-process tools and tests). */
    public dev.conveyor.events.EventServices events() {
        return eventServices;
    }

    /** Reads of execution state (for in-process tools and benchmarks). */
    public ExecutionQueries queries() {
        return queries;
    }

    /** The execution engine (for in-process tools and tests). */
    public ExecutionEngine engine() {
        return engine;
    }

    /**
     * The check of pipeline and action roles before jobs run (issue 14): where an action type declares what it does on
     * the pipeline's behalf ({@code needs(category, owner, provider, configuration -> needs)}).
     */
    public dev.conveyor.server.iam.JobRoleAuthorization roleAuthorization() {
        return roleAuthorization;
    }

    /** The object store behind the S3 endpoint and the artifacts. */
    public ObjectStore objects() {
        return objects;
    }

    /** Hosted repositories, triggers, polling and schedules (for in-process tools and tests). */
    public SourceServices sources() {
        return sourceServices;
    }

    /** Deployments (for in-process tools and tests). */
    public dev.conveyor.deploy.DeployServices deploy() {
        return deployEndpoint.services();
    }

    /**
     * CloudWatch's settings (the alarm timer's tick, Alertmanager's bearer token and alarm label); call before {@link #start()}.
     */
    public synchronized ConveyorServer cloudWatchSettings(dev.conveyor.cloudwatch.CloudWatchServices.Settings settings) {
        this.cloudWatchSettings = settings;
        return this;
    }

    /** CloudWatch alarms: {@code alarms()} is the {@link dev.conveyor.model.alarms.AlarmStates} rules and deployments read. */
    public dev.conveyor.cloudwatch.CloudWatchServices cloudWatch() {
        return cloudWatch;
    }

    /** Lambda-compatible functions (for in-process tools and tests). */
    public FunctionServices functions() {
        return functionServices;
    }

    /** The port actually bound (useful when configured with 0): HTTP's, or HTTPS's when HTTP is off. */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The HTTPS port actually bound, or -1 without HTTPS. */
    public int httpsPort() {
        for (var connector : jetty.getConnectors()) {
            if (dev.conveyor.server.tls.HttpsConnectors.NAME.equals(connector.getName())) {
                return ((ServerConnector) connector).getLocalPort();
            }
        }
        return -1;
    }

    /** The base URL for clients, e.g. {@code http://127.0.0.1:8080} (https when HTTP is off). */
    public String endpoint() {
        return (config.tls().http() ? "http://" : "https://") + clientHost() + ":" + port();
    }

    /** The URL clients reach this server at in links it gives out: {@code --public-url}, else {@link #endpoint()}. */
    private String publicEndpoint() {
        return config.sources().publicUrl() == null ? endpoint() : config.sources().publicUrl();
    }

    /** The HTTPS base URL, e.g. {@code https://127.0.0.1:8443}, or null without HTTPS. */
    public String httpsEndpoint() {
        int port = httpsPort();
        return port < 0 ? null : "https://" + clientHost() + ":" + port;
    }

    /** The CA bundle of the self-signed certificate (for {@code --ca-bundle}), or null when not serving one. */
    public java.nio.file.Path caBundle() {
        return selfSigned == null ? null : selfSigned.caBundle();
    }

    private String clientHost() {
        String host = "0.0.0.0".equals(config.bindAddress()) ? "127.0.0.1" : config.bindAddress();
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Requests this server is serving now, long polls and event streams included. */
    public int requestsInFlight() {
        return drain.inFlight();
    }

    /**
     * Drains this replica before a stop (SIGTERM, a rolling upgrade; issue 19): {@code /readyz} answers 503 at once so
     * the load balancer sends nothing new, the singleton work moves to another replica, the embedded agent takes no new
     * job and its running jobs get up to {@code grace} to finish (the rest are handed back to the queue), and the
     * requests in flight get the rest of {@code grace}. {@link #close} follows.
     */
    public void drain(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        drain.start();
        LOG.info("draining: readiness is off, singleton work handed over, no new jobs taken here");
        if (singletons != null) {
            singletons.release();
        }
        try {
            Agent running = agent;
            if (running != null) {
                running.drain(grace);
            }
            // The load balancer's health checks see /readyz fail before the listener closes (docs/operations.md).
            Thread.sleep(Math.max(0, Math.min(DRAIN_READINESS_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
            drain.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long a draining replica keeps serving after /readyz turned 503: two checks of the documented HAProxy setup. */
    static final long DRAIN_READINESS_MILLIS = 2_500;

    /** True once {@link #drain} started. */
    public boolean draining() {
        return drain.draining();
    }

    /**
     * The master key sealing the keyring in the database: {@code <data-dir>/keys/master.key} when present (the same
     * file on every replica), else {@code $CONVEYOR_MASTER_KEY_FILE}; null for none.
     */
    private java.nio.file.Path masterKeyFile() {
        java.nio.file.Path inDataDir = keysDir().resolve("master.key");
        if (Files.exists(inDataDir)) {
            return inDataDir;
        }
        String configured = System.getenv("CONVEYOR_MASTER_KEY_FILE");
        return configured == null || configured.isBlank() ? null : java.nio.file.Path.of(configured);
    }

    /** Where the keyring is kept: its file on the embedded database, the master key (and a keyring moved) on PostgreSQL. */
    private java.nio.file.Path keysDir() {
        return config.dataDir().resolve("keys");
    }

    /** The value of a future this start made, with what it threw as thrown rather than wrapped. */
    private static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Stops accepting requests, lets running ones finish, then closes the database. */
    @Override
    public synchronized void close() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (sweeper != null) {
            sweeper.interrupt();
            sweeper = null;
        }
        if (codeBuildServices != null) {
            codeBuildServices.close();
            codeBuildServices = null;
        }
        if (invokeWorker != null) {
            invokeWorker.close(); // takes no more invoke jobs; functions running for some stop below
            invokeWorker = null;
        }
        if (deployEndpoint != null) {
            deployEndpoint.close(); // deployments stop where they are; the next start resumes them
            deployEndpoint = null;
        }
        if (cloudWatch != null) {
            cloudWatch.close(); // stops the alarm timer
            cloudWatch = null;
        }
        if (functionServices != null) {
            functionServices.close(); // stops every function instance
            functionServices = null;
        }
        if (sourceServices != null) {
            sourceServices.close();
            sourceServices = null;
        }
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("HTTP listener did not stop cleanly", e);
            }
            jetty = null;
        }
        if (eventServices != null) {
            eventServices.close(); // after the listener; deliveries in flight are left Pending and resumed at the next start
            eventServices = null;
        }
        if (audit != null) {
            audit.close(); // after the listener: no call is being recorded any more; writes what is queued
            audit = null;
        }
        if (artifactServices != null) {
            artifactServices.close(); // retention, then the object store
            artifactServices = null;
            objects = null;
        }
        if (singletons != null) {
            singletons.close(); // its locks are released with its connection, before the pool closes
            singletons = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
