package dev.conveyor.providers.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.providers.codebuild.reports.TestCaseResult;
import dev.conveyor.providers.codebuild.reports.TestReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's side of a pipeline's build, reached through the job's requests ({@link ActionJob#request}): the same
 * from the embedded agent and from a remote one. Test cases are sent in chunks after the report summaries, so a
 * report of thousands of failing tests never makes one oversized request.
 */
final class JobBuildCoordinator implements BuildCoordinator {
    static final int CASES_PER_REQUEST = 200;

    private final ActionJob job;
    private String buildId;

    JobBuildCoordinator(ActionJob job) {
        this.job = job;
    }

    @Override
    public BuildStart start() throws BuildFailure {
        BuildStart start = BuildWire.start(BuildWire.checked(job.request(BuildWire.request(BuildWire.START))));
        buildId = start.buildId();
        return start;
    }

    @Override
    public Map<String, String> resolveSecrets(Map<String, String> parameterStore, Map<String, String> secretsManager) throws BuildFailure {
        ObjectNode request = BuildWire.request(BuildWire.RESOLVE_SECRETS).put("buildId", buildId);
        request.set("parameterStore", BuildWire.stringMap(parameterStore));
        request.set("secretsManager", BuildWire.stringMap(secretsManager));
        return BuildWire.stringMap(BuildWire.checked(job.request(request)).path("values"));
    }

    @Override
    public void progress(BuildSnapshot snapshot) {
        ObjectNode request = BuildWire.request(BuildWire.PROGRESS).put("buildId", buildId);
        request.set("snapshot", BuildWire.snapshot(snapshot));
        job.request(request);
    }

    @Override
    public List<String> finish(BuildSnapshot snapshot, List<TestReport> reports) {
        ObjectNode request = BuildWire.request(BuildWire.FINISH).put("buildId", buildId);
        request.set("snapshot", BuildWire.snapshot(snapshot));
        ArrayNode summaries = request.putArray("reports");
        reports.forEach(r -> summaries.add(BuildWire.reportSummary(r)));
        JsonNode answer = job.request(request);
        List<String> arns = new ArrayList<>();
        answer.path("reportArns").forEach(a -> arns.add(a.asText()));
        for (int r = 0; r < reports.size() && r < arns.size(); r++) {
            List<TestCaseResult> cases = reports.get(r).cases();
            for (int from = 0; from < cases.size(); from += CASES_PER_REQUEST) {
                ObjectNode chunk = BuildWire.request(BuildWire.ADD_TEST_CASES).put("buildId", buildId).put("reportArn", arns.get(r))
                        .put("firstSeq", from);
                ArrayNode list = chunk.putArray("cases");
                cases.subList(from, Math.min(cases.size(), from + CASES_PER_REQUEST)).forEach(c -> list.add(BuildWire.testCase(c)));
                job.request(chunk);
            }
        }
        return arns;
    }
}
