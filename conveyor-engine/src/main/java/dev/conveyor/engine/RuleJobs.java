package dev.conveyor.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.JobRule;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.model.pipeline.ArtifactStore;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.execution.JobRepository;
import dev.conveyor.store.execution.JobRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The jobs of rules that run as jobs ({@link JobRule}: Commands, LambdaInvoke). A rule's job carries the same envelope
 * as an action's job of that type (see {@link ActionLauncher#queueJob}), so the provider that runs it cannot tell the
 * difference: the API's JobData with the rule's resolved configuration and input artifacts and no output artifacts, the
 * pipeline context naming the rule as its action ({@code action.name} the rule's name, {@code action.actionExecutionId}
 * the rule execution's id, which names its log), the commands and their variables, the timeout. The job row has no
 * action execution; it is linked to its rule execution instead.
 */
final class RuleJobs {
    /** The envelope's field naming the rule a job belongs to (a Conveyor addition beside the API's JobData). */
    static final String RULE_FIELD = "rule";

    private final JobRepository jobs;
    private final ConditionRepository repository;
    private final EngineConfig config;

    RuleJobs(JobRepository jobs, ConditionRepository repository, EngineConfig config) {
        this.jobs = jobs;
        this.repository = repository;
        this.config = config;
    }

    /** What a rule's job is made of, resolved when the rule starts. */
    record Work(Map<String, String> configuration, List<String> commands, Map<String, String> environment,
                Map<String, S3Location> inputArtifacts, String roleArn, String region, Duration timeout) {
    }

    /** Queues the job of {@code rule} (already written, InProgress) in the transaction that starts it. */
    void queue(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, RuleExecutionRow rule, JobRule type,
               Work work) throws SQLException {
        ArtifactStore store = ActionLauncher.artifactStoreIn(pipeline, work.region() == null ? config.region() : work.region());
        ObjectNode jobData = ActionJson.object();
        jobData.set("actionTypeId", ActionJson.actionTypeId(type.jobType()));
        jobData.putObject("actionConfiguration").set("configuration", ActionJson.stringMap(work.configuration()));
        ObjectNode context = jobData.putObject("pipelineContext");
        context.put("pipelineName", execution.pipelineName());
        context.putObject("stage").put("name", rule.stageName());
        context.putObject("action").put("name", rule.ruleName()).put("actionExecutionId", rule.id());
        context.put("pipelineArn", config.pipelineArn(execution.pipelineName()));
        context.put("pipelineExecutionId", execution.id());
        ArrayNode inputs = jobData.putArray("inputArtifacts");
        work.inputArtifacts().forEach((name, location) -> inputs.add(ActionLauncher.jobArtifact(name, location.bucket(), location.key())));
        jobData.putArray("outputArtifacts"); // a rule produces none
        if (store.encryptionKey() != null) {
            jobData.putObject("encryptionKey").put("id", store.encryptionKey().id()).put("type", store.encryptionKey().type());
        }

        ObjectNode data = ActionJson.object();
        data.set("jobData", jobData);
        ArrayNode commandList = data.putArray("commands");
        work.commands().forEach(commandList::add);
        data.set("environmentVariables", ActionJson.stringMap(work.environment()));
        data.putObject("outputArtifactFiles");
        data.put("timeoutSeconds", work.timeout().toSeconds());
        data.put("artifactBucket", store.location());
        data.putObject(RULE_FIELD).put("ruleExecutionId", rule.id()).put("ruleName", rule.ruleName()).put("provider", rule.provider());
        String role = work.roleArn() != null ? work.roleArn() : pipeline.roleArn();
        if (role != null) {
            data.put("roleArn", role); // the identity of the rule's commands (an action's comes from its execution's input)
        }
        insert(tx, rule.id(), execution.id(), type.jobType(), ActionJson.write(data));
    }

    /** Queues the rule's job again with the continuation token a worker answered, as an action's job is. */
    void continueWith(ExecutionTx tx, JobRow job, String ruleExecutionId, String continuationToken) throws SQLException {
        jobs.update(tx.connection, job.withStatus(JobStatus.Succeeded, tx.now));
        ObjectNode data = ActionJson.read(job.dataJson());
        ((ObjectNode) data.get("jobData")).put("continuationToken", continuationToken);
        insert(tx, ruleExecutionId, job.pipelineExecutionId(), job.actionTypeId(), ActionJson.write(data));
    }

    private void insert(ExecutionTx tx, String ruleExecutionId, String executionId, ActionTypeId type, String data) throws SQLException {
        JobRow job = new JobRow(UUID.randomUUID().toString(), null, executionId, type, JobStatus.Queued, data, null, null, 0, null,
                tx.now, tx.now);
        jobs.insert(tx.connection, job);
        repository.linkJob(tx.connection, job.id(), ruleExecutionId);
        tx.queued(job);
    }
}
