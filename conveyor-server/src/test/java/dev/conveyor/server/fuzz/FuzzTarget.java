package dev.conveyor.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.server.ServerFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server under fuzzing over one kind of database, the service models it serves (every model bundled in
 * conveyor-model, read from the classpath, and the AWS JSON models of the service modules named in
 * {@link #SERVICE_MODULE_MODELS}), and the operations it has built: those that do not answer
 * UnknownOperationException to an empty request.
 */
final class FuzzTarget implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODELS = "/dev/conveyor/model/servicemodel/";
    /**
     * Models that service modules bundle beside their code (conveyor-model's are found by listing): CodeDeploy and the
     * host commands its agents call (issue 15), CloudWatch's JSON protocol.
     */
    static final List<String> SERVICE_MODULE_MODELS = List.of("codedeploy-2014-10-06.json", "conveyor-deploy-commands-2026-12-06.json",
            "monitoring-2010-08-01.json");

    /** One built operation of one model. */
    record ServedOperation(ServiceModel model, ServiceModel.Operation operation) {
        String target() {
            return model.targetPrefix() + "." + operation.name();
        }

        @Override
        public String toString() {
            return target();
        }
    }

    /** An answer: status, the error type when there is one, the body as text. */
    record Answer(int status, String errorType, String body) {
    }

    private final ServerFixture server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ServedOperation> operations = new ArrayList<>();

    FuzzTarget(String databaseKind) {
        server = new ServerFixture(databaseKind);
        try {
            probe();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Finds the operations the server has built: those that do not answer UnknownOperationException to "{}". */
    private void probe() {
        List<ServiceModel> models = new ArrayList<>(bundledModels());
        for (String name : SERVICE_MODULE_MODELS) {
            ServiceModel model = ServiceModel.load(name);
            if (models.stream().noneMatch(m -> m.targetPrefix().equals(model.targetPrefix()))) {
                models.add(model);
            }
        }
        for (ServiceModel model : models) {
            for (ServiceModel.Operation operation : model.operations().values()) {
                ServedOperation served = new ServedOperation(model, operation);
                Answer probe = send(served, "{}".getBytes(), RequestMutator.AWS_JSON);
                if (!"UnknownOperationException".equals(probe.errorType())) {
                    operations.add(served);
                }
            }
        }
    }

    List<ServedOperation> operations() {
        return operations;
    }

    Answer send(ServedOperation operation, byte[] body, String contentType) {
        java.util.Map<String, String> headers = new java.util.HashMap<>(java.util.Map.of("X-Amz-Target", operation.target()));
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        // Signed with the test key, so the fuzzed bodies reach the operations rather than stop at authentication.
        HttpRequest.Builder request = dev.conveyor.testkit.TestSigner.request("POST", URI.create(server.endpoint() + "/"), headers, body,
                "codepipeline").timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = null;
            if (response.statusCode() >= 400) {
                try {
                    type = JSON.readTree(response.body()).path("__type").asText(null);
                } catch (IOException notJson) {
                    type = null;
                }
            }
            return new Answer(response.statusCode(), type, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(operation.target() + " with " + body.length + " bytes: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every model file bundled in conveyor-model, whether the classes are a directory or a jar. */
    static List<ServiceModel> bundledModels() {
        URL url = ServiceModel.class.getResource(MODELS);
        if (url == null) {
            throw new IllegalStateException("no service models on the classpath at " + MODELS);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return modelsIn(jar.getPath(MODELS));
                } catch (FileSystemAlreadyExistsException openElsewhere) {
                    // Another part of this JVM has the jar open as a file system: read it there, and leave it open.
                    return modelsIn(FileSystems.getFileSystem(uri).getPath(MODELS));
                }
            }
            return modelsIn(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ServiceModel> modelsIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted()
                    .map(ServiceModel::load).toList();
        }
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
