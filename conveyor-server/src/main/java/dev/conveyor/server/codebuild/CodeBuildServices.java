package dev.conveyor.server.codebuild;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.providers.codebuild.CodeBuildProvider;
import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.server.secrets.SecretReferences;
import dev.conveyor.store.Database;
import dev.conveyor.store.codebuild.BuildRepository;
import dev.conveyor.store.codebuild.ProjectRepository;
import dev.conveyor.store.codebuild.ReportRepository;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * CodeBuild, assembled: the API ({@code CodeBuild_20161006}), the answers to pipeline builds' requests (registered
 * with the engine for the Build and Test CodeBuild action types), the builds StartBuild runs here, and the build log
 * endpoint. {@link #listening} must be told the server's address, for log links and CodeCommit clone URLs.
 */
public final class CodeBuildServices implements AutoCloseable {
    private final JsonService api;
    private final BuildLogEndpoint logs;
    private final ServerBuilds serverBuilds;
    private final dev.conveyor.server.git.HostedRepositories hosted;
    private volatile String endpoint = "http://127.0.0.1";

    /**
     * @param actionLogsDir where the engine keeps action logs (a pipeline build's log is its action's)
     * @param capacity      how many StartBuild builds run at once on this server
     */
    public CodeBuildServices(Path dataDir, Database database, ExecutionEngine engine, ExecutionQueries queries, ObjectStore objects,
                             SecretReferences secrets, Path actionLogsDir, int capacity, String region, String accountId, Clock clock,
                             dev.conveyor.providers.sandbox.JobSandbox sandbox, dev.conveyor.server.git.HostedRepositories hosted) {
        CodeBuildArns arns = new CodeBuildArns(region, accountId);
        this.hosted = hosted; // the server's own: on PostgreSQL its repositories live in the database
        ProjectRepository projects = new ProjectRepository(database);
        BuildRepository builds = new BuildRepository(database);
        ReportRepository reports = new ReportRepository(database);
        BuildRecorder recorder = new BuildRecorder(projects, builds, reports, arns, engine, clock);
        EnvironmentResolver environment = new EnvironmentResolver(secrets);
        Function<String, String> logUrl = this::logUrl;
        serverBuilds = new ServerBuilds(recorder, builds, secrets, objects, this::gitUrl, dataDir.resolve("codebuild"), capacity, clock, sandbox);
        serverBuilds.settleLeftovers();

        PipelineBuildRequests requests = new PipelineBuildRequests(projects, recorder, environment, secrets, queries, region, logUrl);
        engine.handleJobRequests(CodeBuildProvider.BUILD, requests);
        engine.handleJobRequests(CodeBuildProvider.TEST, requests);

        Map<String, JsonOperation> operations = new HashMap<>();
        operations.putAll(new ProjectOperations(projects, new ProjectDefinitions(arns, region, accountId), arns, clock).operations());
        operations.putAll(new BuildOperations(projects, builds, recorder, environment, serverBuilds, objects, engine, region, logUrl).operations());
        operations.putAll(new ReportOperations(reports).operations());
        api = new JsonService(ServiceModel.codeBuild(), operations);
        logs = new BuildLogEndpoint(recorder, queries, serverBuilds, actionLogsDir);
    }

    /** The CodeBuild API, to be served under its target prefix. */
    public JsonService jsonService() {
        return api;
    }

    /** The build log endpoint's route ({@code /conveyor/v1/builds/<id>/log}). */
    public RequestRouter.PathRoute logRoute() {
        return new RequestRouter.PathRoute(BuildLogEndpoint.PREFIX, logs::handle);
    }

    /** The server's base URL, once its listener is bound (or its public URL). */
    public CodeBuildServices listening(String baseUrl) {
        this.endpoint = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return this;
    }

    private String logUrl(String buildId) {
        return endpoint + BuildLogEndpoint.PREFIX + URLEncoder.encode(buildId, StandardCharsets.UTF_8).replace("+", "%20") + "/log";
    }

    /**
     * A CodeCommit clone URL means this server's hosted repository of that name, read in this process (StartBuild
     * builds run on this server; hosted git over HTTP asks for credentials); other URLs are cloned as they are.
     */
    private String gitUrl(String location) {
        int repos = location.indexOf("/v1/repos/");
        if (location.contains("git-codecommit.") && repos > 0) {
            String name = location.substring(repos + "/v1/repos/".length());
            return dev.conveyor.server.git.HostedRepositories.normalize(name).map(n -> hosted.readableUrl(n))
                    .orElse(endpoint + location.substring(repos));
        }
        return location;
    }

    @Override
    public void close() {
        serverBuilds.close();
    }
}
