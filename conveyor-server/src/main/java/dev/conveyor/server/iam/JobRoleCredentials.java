package dev.conveyor.server.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.JobRequestHandler;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.TemporaryCredentials;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.JobRow;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A job's own identity (issue 14, item 8): answers a provider's {@code JobRoleCredentials} request with temporary
 * credentials of the role its action's {@code roleArn} names, else its pipeline's, when that role exists in Conveyor
 * and trusts {@code codepipeline.amazonaws.com} (as a pipeline's service role does in AWS). The session is named after
 * the job and lasts the job's timeout (15 minutes at least, the role's maximum at most), so the job's commands can call
 * Conveyor's API with that role's permissions and nothing more. A role that does not exist here: no credentials.
 */
public final class JobRoleCredentials implements JobRequestHandler {
    public static final String REQUEST = "JobRoleCredentials";
    /** What a job's role sessions are named after: the prefix, then the job's id. */
    public static final String SESSION_PREFIX = "conveyor-job-";
    static final String SERVICE = "codepipeline.amazonaws.com";

    private final Roles roles;
    private final ExecutionQueries queries;
    private final String region;
    private final Supplier<String> endpoint;

    /** @param endpoint the URL jobs reach this server's API at (the public URL, else the listener's) */
    public JobRoleCredentials(Roles roles, ExecutionQueries queries, String region, Supplier<String> endpoint) {
        this.roles = roles;
        this.queries = queries;
        this.region = region;
        this.endpoint = endpoint;
    }

    @Override
    public JsonNode handle(JobRow job, JsonNode request) {
        ObjectNode answer = ConveyorJson.mapper().createObjectNode();
        JsonNode data = readTree(job.dataJson());
        // A rule's job (Commands rule) names its role in its data: the rule's roleArn, else its pipeline's.
        String roleArn = job.actionExecutionId() == null ? data.path("roleArn").asText(null) : roleArn(queries.action(job.actionExecutionId()));
        if (roleArn == null) {
            return answer;
        }
        int seconds = (int) Math.min(Integer.MAX_VALUE, data.path("timeoutSeconds").asLong(3600));
        String sessionName = sessionName(job.id());
        Optional<TemporaryCredentials> issued = roles.assumeAsService(roleArn, SERVICE, sessionName, seconds);
        issued.ifPresent(c -> answer.putObject("credentials")
                .put("accessKeyId", c.accessKeyId())
                .put("secretAccessKey", c.secretAccessKey())
                .put("sessionToken", c.sessionToken())
                .put("expiration", c.expiration().toString())
                .put("arn", c.principal().arn())
                .put("endpoint", endpoint.get())
                .put("region", region));
        return answer;
    }

    /**
     * The role session name of a job: the job's whole id, so that the session can be refused once the job has ended
     * ({@link dev.conveyor.server.auth.JobSessionGuard}). IAM allows at most 64 of {@code [\w+=,.@-]}; job ids are UUIDs.
     */
    public static String sessionName(String jobId) {
        String id = jobId.replaceAll("[^\\w+=,.@-]", "");
        return SESSION_PREFIX + id.substring(0, Math.min(64 - SESSION_PREFIX.length(), id.length()));
    }

    /** The action's role, else its pipeline's (at the version the execution runs). */
    private String roleArn(ActionExecutionRow action) {
        JsonNode input = readTree(action.inputJson() == null ? "{}" : action.inputJson());
        if (input.hasNonNull("roleArn")) {
            return input.get("roleArn").asText();
        }
        PipelineDeclaration pipeline = queries.declaration(action.pipelineName(), action.pipelineVersion());
        return pipeline == null ? null : pipeline.roleArn();
    }

    private static JsonNode readTree(String json) {
        try {
            return ConveyorJson.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable job data", e);
        }
    }
}
