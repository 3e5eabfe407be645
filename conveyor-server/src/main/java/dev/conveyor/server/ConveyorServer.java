package dev.conveyor.server;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.validation.PipelineLimits;
import dev.conveyor.model.validation.PipelineValidator;
import dev.conveyor.server.auth.RequestAuthenticator;
import dev.conveyor.server.codepipeline.Arns;
import dev.conveyor.server.codepipeline.PipelineOperations;
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
import java.util.concurrent.Executors;
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

    private final ServerConfig config;
    private final Clock clock;
    private Database database;
    private Server jetty;

    public ConveyorServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public ConveyorServer(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** Opens the database, wires the APIs and starts listening. */
    public synchronized ConveyorServer start() {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
        database = config.databaseUrl() == null ? Database.embedded(config.dataDir()) : Database.open(config.databaseUrl());

        PipelineLimits limits = PipelineLimits.defaults();
        TagRepository tags = new TagRepository(database, limits.maxTagsPerResource());
        PipelineRepository pipelines = new PipelineRepository(database, tags);
        PipelineValidator validator = new PipelineValidator(BuiltInActionTypes.instance(), limits, config.region());
        Arns arns = new Arns(config.region(), config.accountId());
        PipelineOperations pipelineOperations = new PipelineOperations(pipelines, tags, validator, limits, arns, clock);

        JsonService codePipeline = new JsonService(ServiceModel.codePipeline(), pipelineOperations.operations());
        AwsJsonProtocol json = new AwsJsonProtocol(Map.of(codePipeline.targetPrefix(), codePipeline));
        RequestRouter router = new RequestRouter(json, RequestAuthenticator.acceptAny(), clock);

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("conveyor-http");
        // Request handling may block (database, files): run it on virtual threads.
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("router", router), "/*");
        jetty.setHandler(context);
        jetty.setStopTimeout(10_000);
        try {
            jetty.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start the HTTP listener on " + config.bindAddress() + ":" + config.port(), e);
        }
        LOG.info("Conveyor listening on http://{}:{} (database: {}, data: {})", config.bindAddress(), port(),
                database.kind(), config.dataDir());
        return this;
    }

    /** The port actually bound (useful when configured with 0). */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The base URL for clients, e.g. {@code http://127.0.0.1:8080}. */
    public String endpoint() {
        String host = "0.0.0.0".equals(config.bindAddress()) ? "127.0.0.1" : config.bindAddress();
        return "http://" + host + ":" + port();
    }

    /** Stops accepting requests, lets running ones finish, then closes the database. */
    @Override
    public synchronized void close() {
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("HTTP listener did not stop cleanly", e);
            }
            jetty = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
