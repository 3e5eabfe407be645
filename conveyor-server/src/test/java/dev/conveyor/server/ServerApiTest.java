package dev.conveyor.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;

/**
 * The frame of the API tests that run every test once on each database: one server per database, started before
 * that database's tests and closed after them. Its engine has short timeouts (approvals expire in 2 s, leases in 5 s,
 * sweeps every 200 ms) so tests see expiries and recoveries happen. A subclass that needs more setup adds its own
 * {@code @BeforeParameterizedClassInvocation} method under another name; it runs after {@link #startServer}.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("dev.conveyor.testkit.TestDatabases#both")
abstract class ServerApiTest {
    static ServerFixture fixture;

    @Parameter
    String databaseKind;

    @BeforeParameterizedClassInvocation
    static void startServer(String kind) {
        fixture = new ServerFixture(kind, new ServerConfig.EngineSettings(true, 8, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMillis(200)));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        fixture.close();
    }

    static CodePipelineClient client() {
        return fixture.client();
    }

    /** The pipeline's executions, newest first. */
    static List<PipelineExecutionSummary> executions(String pipeline) {
        return client().listPipelineExecutions(r -> r.pipelineName(pipeline)).pipelineExecutionSummaries();
    }

    /**
     * The pipeline's executions, newest first, but for the one its creation started (as CodePipeline starts one), which
     * must be there exactly once: what a trigger test counts is what its triggers started.
     */
    static List<PipelineExecutionSummary> executionsSinceCreation(String pipeline) {
        List<PipelineExecutionSummary> all = executions(pipeline);
        org.assertj.core.api.Assertions.assertThat(all).filteredOn(e -> "CreatePipeline".equals(e.trigger().triggerTypeAsString()))
                .as("the execution creating " + pipeline + " started").hasSize(1);
        return all.stream().filter(e -> !"CreatePipeline".equals(e.trigger().triggerTypeAsString())).toList();
    }

    /** The variables the execution's Source action put out (CommitId, BranchName…). */
    static Map<String, String> sourceVariables(String pipeline, String executionId) {
        return client().listActionExecutions(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(executionId)))
                .actionExecutionDetails().stream().filter(a -> a.actionName().equals("Source")).findFirst()
                .map(a -> a.output().outputVariables()).orElseThrow();
    }
}
