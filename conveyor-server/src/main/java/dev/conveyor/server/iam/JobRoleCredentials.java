package dev.conveyor.server.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.JobRequestHandler;
import dev.conveyor.iam.ResourceArns;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.TemporaryCredentials;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.store.execution.JobRow;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A job's own identity (issue 14, item 8): answers a provider's {@code JobRoleCredentials} request with temporary
 * credentials of the role its action's {@code roleArn} names, else its pipeline's, when that role exists in Conveyor
 * and trusts CodePipeline for the job's pipeline ({@link Roles#forPipeline}: the rule the job gate applied before the job
 * ran, so a job the gate let through gets its credentials). The session is named after
 * the job and lasts the job's timeout (15 minutes at least, the role's maximum at most), so the job's commands can call
 * Conveyor's API with that role's permissions and nothing more. A role that does not exist here: no credentials.
 */
public final class JobRoleCredentials implements JobRequestHandler {
    public static final String REQUEST = "JobRoleCredentials";
    /** What a job's role sessions are named after: the prefix, then the job's id. */
    public static final String SESSION_PREFIX = "conveyor-job-";

    private final Roles roles;
    private final ExecutionQueries queries;
    private final ResourceArns arns;
    private final Supplier<String> endpoint;

    /** @param endpoint the URL jobs reach this server's API at (the public URL, else the listener's) */
    public JobRoleCredentials(Roles roles, ExecutionQueries queries, ResourceArns arns, Supplier<String> endpoint) {
        this.roles = roles;
        this.queries = queries;
        this.arns = arns;
        this.endpoint = endpoint;
    }

    @Override
    public JsonNode handle(JobRow job, JsonNode request) {
        ObjectNode answer = ConveyorJson.mapper().createObjectNode();
        Optional<JobRole> role = JobRole.of(job, queries).filter(r -> r.roleArn() != null);
        if (role.isEmpty()) {
            return answer;
        }
        int seconds = (int) Math.min(Integer.MAX_VALUE, JobRole.read(job.dataJson()).path("timeoutSeconds").asLong(3600));
        Optional<TemporaryCredentials> issued = roles.assumeForPipeline(role.get().roleArn(), arns.pipeline(role.get().pipelineName()),
                sessionName(job.id()), seconds);
        issued.ifPresent(c -> answer.putObject("credentials")
                .put("accessKeyId", c.accessKeyId())
                .put("secretAccessKey", c.secretAccessKey())
                .put("sessionToken", c.sessionToken())
                .put("expiration", c.expiration().toString())
                .put("arn", c.principal().arn())
                .put("endpoint", endpoint.get())
                .put("region", arns.region()));
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
}
