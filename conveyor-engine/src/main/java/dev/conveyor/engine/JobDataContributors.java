package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contributors registered per action type, applied to a job's data as it is queued. A contributor that
 * fails leaves {@code {"error": message}} for the provider to report, so the action fails with a reason instead
 * of the whole transaction.
 */
final class JobDataContributors {
    private static final Logger LOG = LoggerFactory.getLogger(JobDataContributors.class);
    static final String FIELD = "contributed";

    private final Map<ActionTypeId, JobDataContributor> byType = new ConcurrentHashMap<>();

    void register(ActionTypeId type, JobDataContributor contributor) {
        byType.put(type, contributor);
    }

    /** Adds the contribution for {@code type}, if any, to the job's envelope {@code data}. */
    void apply(ActionTypeId type, String pipelineName, String actionName, Map<String, String> resolvedConfiguration, ObjectNode data) {
        JobDataContributor contributor = byType.get(type);
        if (contributor == null) {
            return;
        }
        try {
            JsonNode contributed = contributor.contribute(pipelineName, actionName, resolvedConfiguration);
            if (contributed != null) {
                data.set(FIELD, contributed);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not add data to the job of {}/{}: {}", pipelineName, actionName, e.toString());
            data.putObject(FIELD).put("error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
