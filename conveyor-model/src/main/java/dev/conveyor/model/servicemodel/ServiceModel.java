package dev.conveyor.model.servicemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An AWS service model (botocore's {@code service-2.json}, documentation stripped) read from the classpath: the
 * single source of truth for operation names, input and output shapes, and every member constraint.
 */
public final class ServiceModel {
    private final JsonNode metadata;
    private final JsonNode shapes;
    private final Map<String, Operation> operations;

    /** An operation: its name, the shapes of its input and output (null when it has none), its error shapes. */
    public record Operation(String name, String inputShape, String outputShape, List<String> errors) {
    }

    private ServiceModel(JsonNode root) {
        this.metadata = root.path("metadata");
        this.shapes = root.path("shapes");
        Map<String, Operation> ops = new LinkedHashMap<>();
        root.path("operations").properties().forEach(e -> {
            JsonNode op = e.getValue();
            List<String> errors = new ArrayList<>();
            op.path("errors").forEach(err -> errors.add(err.path("shape").asText()));
            ops.put(e.getKey(), new Operation(e.getKey(),
                    op.path("input").path("shape").asText(null),
                    op.path("output").path("shape").asText(null),
                    List.copyOf(errors)));
        });
        this.operations = Collections.unmodifiableMap(ops);
    }

    /** Every model read so far, by resource name: each is read once per process, by whichever thread asks first. */
    private static final ConcurrentHashMap<String, ServiceModel> LOADED = new ConcurrentHashMap<>();

    /**
     * A model shipped under {@code dev/conveyor/model/servicemodel/}, e.g. {@code codepipeline-2015-07-09.json}. Read
     * once per process (the models are only ever read, never changed): a caller that asks while another thread reads
     * the same model waits for that reading rather than parsing it again.
     */
    public static ServiceModel load(String resourceName) {
        return LOADED.computeIfAbsent(resourceName, ServiceModel::read);
    }

    private static ServiceModel read(String resourceName) {
        String path = "/dev/conveyor/model/servicemodel/" + resourceName;
        try (InputStream in = ServiceModel.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no service model on the classpath at " + path);
            }
            return new ServiceModel(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read service model " + path, e);
        }
    }

    /** The CodePipeline model (API version 2015-07-09). */
    public static ServiceModel codePipeline() {
        return Holder.CODEPIPELINE;
    }

    /** The CodeBuild model (API version 2016-10-06). */
    public static ServiceModel codeBuild() {
        return Holder.CODEBUILD;
    }

    /**
     * Conveyor's agent API (a local extension, described in the same format as the AWS models): how remote agents
     * take jobs, renew leases, ship logs and report results.
     */
    public static ServiceModel conveyorAgent() {
        return Holder.CONVEYOR_AGENT;
    }

    private static final class Holder {
        static final ServiceModel CODEPIPELINE = load("codepipeline-2015-07-09.json");
        static final ServiceModel CODEBUILD = load("codebuild-2016-10-06.json");
        static final ServiceModel CONVEYOR_AGENT = load("conveyor-agent-2025-11-25.json");
    }

    /** The X-Amz-Target prefix, e.g. {@code CodePipeline_20150709}. */
    public String targetPrefix() {
        return metadata.path("targetPrefix").asText();
    }

    /** The SigV4 signing name, e.g. {@code codepipeline}. */
    public String signingName() {
        return metadata.path("signingName").asText(metadata.path("endpointPrefix").asText());
    }

    public Optional<Operation> operation(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    public Map<String, Operation> operations() {
        return operations;
    }

    /** The shape's definition; fails loudly on a name the model does not have, which is a programming error. */
    public JsonNode shape(String name) {
        JsonNode shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("the service model has no shape " + name);
        }
        return shape;
    }

    public Iterable<String> shapeNames() {
        List<String> names = new ArrayList<>();
        shapes.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
