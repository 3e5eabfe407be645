package dev.conveyor.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.server.ConveyorServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * The demo pipeline {@code conveyor-demo} (declared in {@code /demo/pipeline.json}): Source (the seeded sample
 * app) → Build → Test → Deploy into {@code <data-dir>/demo-deployments}, and — with {@link DemoHosts}, when HAProxy is
 * installed — a second Deploy action, {@code Deploy/AWS/CodeDeploy}, to two demo hosts behind a demo HAProxy. It is
 * created through the server's own CodePipeline API, exactly as a client would, so the demo exercises the same path
 * as every user request.
 */
public final class DemoPipeline {
    public static final String NAME = "conveyor-demo";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What {@link #install} did.
     *
     * @param created     whether the pipeline was created now (false: it existed and was left as it was)
     * @param executionId the execution that creating the pipeline started, or null
     * @param deployRoot  where the Deploy stage puts releases
     * @param hostsUrl    where HAProxy serves the demo hosts the Deploy stage's CodeDeploy action deploys to, or null
     *                    when the demo has no hosts (HAProxy is not installed)
     */
    public record Installation(boolean created, String executionId, Path deployRoot, String hostsUrl) {
    }

    /** The CodeDeploy action the Deploy stage gets with demo hosts: the build output to them, one at a time. */
    public static final String HOSTS_ACTION = "DeployToHosts";

    private DemoPipeline() {
    }

    /** Where a demo deployed under {@code dataDir} puts its releases ({@code current} links to the latest). */
    public static Path deployRoot(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve("demo-deployments");
    }

    /**
     * Seeds the sample app and creates the pipeline if it is missing, which starts its first execution. An existing
     * pipeline is left alone and not run, so restarting a server with {@code --demo} does not pile up executions.
     */
    public static Installation install(ConveyorServer server, Path dataDir) throws InterruptedException {
        return install(server, dataDir, null);
    }

    /**
     * {@link #install(ConveyorServer, Path)}, with {@code hosts} (whose HAProxy the server drives; null for none) attached
     * to the server first: the pipeline then deploys to them too.
     */
    public static Installation install(ConveyorServer server, Path dataDir, DemoHosts hosts) throws InterruptedException {
        DemoSampleApp.seed(server.objects());
        Path deployRoot = deployRoot(dataDir);
        ObjectNode pipeline = declaration(deployRoot, hosts != null);
        dev.conveyor.agent.RequestSigner signer = administrator(dataDir);
        String hostsUrl = hosts == null ? null : hosts.url();
        try (HttpClient http = HttpClient.newHttpClient()) {
            if (hosts != null) {
                hosts.attach(server, signer);
            }
            ObjectNode create = JSON.createObjectNode();
            create.set("pipeline", pipeline);
            HttpResponse<String> created = call(http, server, signer, "CreatePipeline", create);
            if (created.statusCode() != 200) {
                if (created.body().contains("PipelineNameInUseException")) {
                    return new Installation(false, null, deployRoot, hostsUrl);
                }
                throw new IllegalStateException("the demo pipeline was refused: " + created.body());
            }
            // Creating a pipeline starts it (trigger CreatePipeline), as in CodePipeline: that is the demo's one run.
            HttpResponse<String> listed = call(http, server, signer, "ListPipelineExecutions",
                    JSON.createObjectNode().put("pipelineName", NAME));
            if (listed.statusCode() != 200) {
                throw new IllegalStateException("the demo pipeline's executions cannot be listed: " + listed.body());
            }
            String executionId = null;
            for (JsonNode execution : JSON.readTree(listed.body()).path("pipelineExecutionSummaries")) {
                if ("CreatePipeline".equals(execution.path("trigger").path("triggerType").asText())) {
                    executionId = execution.path("pipelineExecutionId").asText();
                }
            }
            if (executionId == null) {
                throw new IllegalStateException("the demo pipeline was created but did not start: " + listed.body());
            }
            return new Installation(true, executionId, deployRoot, hostsUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The declaration from the resource, with DEPLOY_ROOT defaulting to the directory under this data dir; with
     * {@code hosts} the Deploy stage also deploys through CodeDeploy to the demo hosts, without them its local deploy
     * says why it is the only one.
     */
    static ObjectNode declaration(Path deployRoot, boolean hosts) {
        ObjectNode pipeline;
        try (InputStream in = DemoPipeline.class.getResourceAsStream("/demo/pipeline.json")) {
            pipeline = (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode variable : pipeline.path("variables")) {
            if ("DEPLOY_ROOT".equals(variable.path("name").asText())) {
                ((ObjectNode) variable).put("defaultValue", deployRoot.toString());
            }
        }
        for (JsonNode stage : pipeline.path("stages")) {
            if (!"Deploy".equals(stage.path("name").asText())) {
                continue;
            }
            if (hosts) {
                ObjectNode action = ((com.fasterxml.jackson.databind.node.ArrayNode) stage.path("actions")).addObject().put("name", HOSTS_ACTION);
                action.putObject("actionTypeId").put("category", "Deploy").put("owner", "AWS").put("provider", "CodeDeploy").put("version", "1");
                action.putObject("configuration").put("ApplicationName", DemoHosts.APPLICATION).put("DeploymentGroupName", DemoHosts.GROUP);
                action.putArray("inputArtifacts").addObject().put("name", "BuildOutput");
                action.put("runOrder", 2);
            } else {
                ((com.fasterxml.jackson.databind.node.ArrayNode) stage.path("actions").path(0).path("commands"))
                        .add("echo 'Deployed locally only: this demo has no CodeDeploy action to demo hosts behind HAProxy (HAProxy is not "
                                + "installed, or the server was given its own --haproxy-socket); apt-get install haproxy, then start the demo on a "
                                + "new --data-dir'");
            }
        }
        return pipeline;
    }

    /** Signs as the administrator, whose key the server wrote to {@code <dataDir>/admin-credentials} (issue 14). */
    static dev.conveyor.agent.RequestSigner administrator(Path dataDir) {
        Path file = dataDir.resolve(dev.conveyor.iam.identity.AdministratorBootstrap.FILE_NAME);
        java.util.Properties profile = new java.util.Properties();
        try (var reader = java.nio.file.Files.newBufferedReader(file)) {
            profile.load(reader); // INI: the key = value lines under its one [conveyor-admin] section read as properties
        } catch (IOException e) {
            throw new IllegalStateException("the demo signs as the administrator, whose key should be in " + file + ": " + e.getMessage(), e);
        }
        return new dev.conveyor.agent.RequestSigner(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(profile.getProperty("aws_access_key_id"),
                        profile.getProperty("aws_secret_access_key"))), "us-east-1");
    }

    private static HttpResponse<String> call(HttpClient http, ConveyorServer server, dev.conveyor.agent.RequestSigner signer, String operation,
                                             JsonNode body) throws IOException, InterruptedException {
        return call(http, server, signer, "CodePipeline_20150709", "codepipeline", operation, body);
    }

    /** An AWS JSON 1.1 call to the server, signed for {@code service}, e.g. ("CodeDeploy_20141006", "codedeploy"). */
    static HttpResponse<String> call(HttpClient http, ConveyorServer server, dev.conveyor.agent.RequestSigner signer, String targetPrefix,
                                     String service, String operation, JsonNode body) throws IOException, InterruptedException {
        URI uri = URI.create(server.endpoint() + "/");
        byte[] payload = JSON.writeValueAsBytes(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        signer.sign("POST", uri, java.util.Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                targetPrefix + "." + operation), payload, service).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
