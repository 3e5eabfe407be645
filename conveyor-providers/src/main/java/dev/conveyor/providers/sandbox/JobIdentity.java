package dev.conveyor.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.model.json.ConveyorJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's own identity for calling Conveyor's API: temporary credentials of the role its action (or pipeline) names,
 * asked of the server for this job ({@code ActionJob.request} with {@value #REQUEST}) and handed to its commands in
 * the standard variables ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN},
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}/{@code AWS_DEFAULT_REGION}). Without a role Conveyor knows, nothing:
 * the job then has no credentials at all. The values are masked in the job's log.
 */
public final class JobIdentity {
    /** The request type a provider sends; the server's handler answers {@code {"credentials": {…}}} or {@code {}}. */
    public static final String REQUEST = "JobRoleCredentials";

    private JobIdentity() {
    }

    /** The variables that give the job its role's credentials, or none. */
    public static Map<String, String> environment(ActionJob job) {
        JsonNode answer;
        try {
            ObjectNode request = ConveyorJson.mapper().createObjectNode().put("type", REQUEST);
            answer = job.request(request);
        } catch (UnsupportedOperationException e) {
            return Map.of(); // a job that cannot ask the server (run without one)
        } catch (RuntimeException e) {
            job.log().line("[conveyor] no role credentials for this job: " + e.getMessage());
            return Map.of();
        }
        JsonNode c = answer == null ? null : answer.path("credentials");
        if (c == null || !c.hasNonNull("accessKeyId")) {
            return Map.of();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", c.path("accessKeyId").asText());
        env.put("AWS_SECRET_ACCESS_KEY", c.path("secretAccessKey").asText());
        env.put("AWS_SESSION_TOKEN", c.path("sessionToken").asText());
        if (c.hasNonNull("endpoint")) {
            env.put("AWS_ENDPOINT_URL", c.path("endpoint").asText());
        }
        if (c.hasNonNull("region")) {
            env.put("AWS_REGION", c.path("region").asText());
            env.put("AWS_DEFAULT_REGION", c.path("region").asText());
        }
        job.log().mask(c.path("secretAccessKey").asText(), c.path("sessionToken").asText());
        job.log().line("[conveyor] this job acts as " + c.path("arn").asText() + " until " + c.path("expiration").asText());
        return env;
    }
}
