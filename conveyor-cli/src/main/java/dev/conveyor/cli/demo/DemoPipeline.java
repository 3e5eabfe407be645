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
 * app) → Build → Test → Deploy into {@code <data-dir>/demo-deployments}. It is created through the server's own
 * CodePipeline API, exactly as a client would, so the demo exercises the same path as every user request.
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
     */
    public record Installation(boolean created, String executionId, Path deployRoot) {
    }

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
        DemoSampleApp.seed(server.objects());
        Path deployRoot = deployRoot(dataDir);
        ObjectNode pipeline = declaration(deployRoot);
        dev.conveyor.agent.RequestSigner signer = administrator(dataDir);
        try (HttpClient http = HttpClient.newHttpClient()) {
            ObjectNode create = JSON.createObjectNode();
            create.set("pipeline", pipeline);
            HttpResponse<String> created = call(http, server, signer, "CreatePipeline", create);
            if (created.statusCode() != 200) {
                if (created.body().contains("PipelineNameInUseException")) {
                    return new Installation(false, null, deployRoot);
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
            return new Installation(true, executionId, deployRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The declaration from the resource, with DEPLOY_ROOT defaulting to the directory under this data dir. */
    static ObjectNode declaration(Path deployRoot) {
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
        return pipeline;
    }

    /** Signs as the administrator, whose key the server wrote to {@code <dataDir>/admin-credentials} (issue 14). */
    private static dev.conveyor.agent.RequestSigner administrator(Path dataDir) {
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
        URI uri = URI.create(server.endpoint() + "/");
        byte[] payload = JSON.writeValueAsBytes(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        signer.sign("POST", uri, java.util.Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                "CodePipeline_20150709." + operation), payload, "codepipeline").forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
