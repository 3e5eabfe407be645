package dev.conveyor.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.deploy.DeployServices;
import dev.conveyor.deploy.engine.DeploySettings;
import dev.conveyor.deploy.engine.HostCommands;
import dev.conveyor.deploy.engine.RevisionStore;
import dev.conveyor.deploy.engine.TrafficControl;
import dev.conveyor.deploy.haproxy.HaproxyRuntime;
import dev.conveyor.model.alarms.AlarmStates;
import dev.conveyor.server.http.RequestRouter;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.store.Database;
import dev.conveyor.store.outbox.DeploymentRecorder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Deployments on this server: the CodeDeploy API and the host-command API as JSON services, and the route agents
 * download revision bundles from ({@link HostCommands#BUNDLE_PREFIX}{@code <command id>}, open while the command is).
 */
public final class DeployEndpoint implements AutoCloseable {
    /** How the server is told about deployments: the HAProxy runtime socket (or null) and timing. */
    public record Options(Path haproxySocket, DeploySettings settings) {
        public static Options defaults() {
            return new Options(null, DeploySettings.defaults());
        }
    }

    /** Where a deployment's JSON is served (followed by its id): the link of a pipeline's CodeDeploy action. */
    public static final String DEPLOYMENTS_PREFIX = "/conveyor/deploy/deployments/";

    private final DeployServices services;

    public DeployEndpoint(Database database, ObjectStore objects, AlarmStates alarms, Options options, String region, String accountId, Clock clock) {
        this(database, objects, alarms, options, region, accountId, clock, DeploymentRecorder.NONE);
    }

    /** With {@code recorder} told of every deployment's and target's status change (the events' outbox, issue 17). */
    public DeployEndpoint(Database database, ObjectStore objects, AlarmStates alarms, Options options, String region, String accountId, Clock clock,
                          DeploymentRecorder recorder) {
        TrafficControl traffic = options.haproxySocket() == null ? TrafficControl.NONE : new HaproxyRuntime(options.haproxySocket());
        services = DeployServices.open(database, revisions(objects), traffic, alarms, region, accountId, clock, options.settings(), recorder);
    }

    static RevisionStore revisions(ObjectStore objects) {
        return new RevisionStore() {
            @Override
            public Optional<Head> head(String bucket, String key, String versionId) {
                try {
                    ObjectVersion v = objects.headObject(bucket, key, versionId);
                    return v.deleteMarker() ? Optional.empty() : Optional.of(new Head(v.versionId(), v.etag(), v.size()));
                } catch (S3Exception e) {
                    return Optional.empty();
                }
            }

            @Override
            public InputStream open(String bucket, String key, String versionId) {
                return objects.getObject(bucket, key, versionId, null).stream();
            }
        };
    }

    public DeployServices services() {
        return services;
    }

    /** The two JSON services by target prefix. */
    public Map<String, JsonService> jsonServices() {
        JsonService codeDeploy = new JsonService(DeployServices.codeDeployModel(), adapt(services.codeDeployOperations()));
        JsonService commands = new JsonService(DeployServices.commandsModel(), adapt(services.commandOperations()));
        return Map.of(codeDeploy.targetPrefix(), codeDeploy, commands.targetPrefix(), commands);
    }

    private static Map<String, JsonOperation> adapt(Map<String, Function<JsonNode, JsonNode>> operations) {
        Map<String, JsonOperation> adapted = new HashMap<>();
        operations.forEach((name, op) -> adapted.put(name, (input, context) -> op.apply(input)));
        return adapted;
    }

    public RequestRouter.PathRoute bundleRoute() {
        return new RequestRouter.PathRoute(HostCommands.BUNDLE_PREFIX, this::serveBundle);
    }

    /** GET {@link #DEPLOYMENTS_PREFIX}{@code <id>}: the deployment as GetDeployment shows it, with its targets. */
    public RequestRouter.PathRoute deploymentRoute() {
        return new RequestRouter.PathRoute(DEPLOYMENTS_PREFIX, this::serveDeployment);
    }

    private void serveDeployment(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getRequestURI().substring(DEPLOYMENTS_PREFIX.length());
        var row = services.deployments().repository().deployment(id);
        response.setContentType("application/json");
        if (row.isEmpty() || !"GET".equals(request.getMethod())) {
            response.setStatus(404);
            response.getOutputStream().write("{\"message\":\"No such deployment\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        body.set("deploymentInfo", services.api().deploymentInfo(row.get()));
        var targets = body.putArray("targets");
        services.deployments().repository().targets(id).forEach(t -> targets.addObject().put("targetId", t.instance())
                .put("status", t.status()).set("lifecycleEvents", t.events()));
        response.setStatus(200);
        response.getOutputStream().write(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }

    private void serveBundle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String commandId = request.getRequestURI().substring(HostCommands.BUNDLE_PREFIX.length());
        Optional<InputStream> bundle = "GET".equals(request.getMethod()) ? services.hostCommands().bundle(commandId) : Optional.empty();
        if (bundle.isEmpty()) {
            response.setStatus(404);
            response.setContentType("application/json");
            response.getOutputStream().write("{\"message\":\"No open deployment command has that id\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        response.setStatus(200);
        response.setContentType("application/octet-stream");
        try (InputStream in = bundle.get(); OutputStream out = response.getOutputStream()) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() {
        services.close();
    }
}
