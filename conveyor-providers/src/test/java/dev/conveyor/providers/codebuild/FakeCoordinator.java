package dev.conveyor.providers.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.providers.codebuild.reports.TestReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server stand-in that records what a build reports and resolves secrets from a map. */
final class FakeCoordinator implements BuildCoordinator {
    final Map<String, String> secrets = new LinkedHashMap<>();
    final List<BuildSnapshot> progress = new CopyOnWriteArrayList<>();
    BuildSnapshot finalSnapshot;
    List<TestReport> reports = List.of();
    private final JsonNode project;

    FakeCoordinator(String projectJson) {
        try {
            this.project = new ObjectMapper().readTree(projectJson);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public BuildStart start() {
        return new BuildStart("proj:1234-5678", "arn:aws:codebuild:us-east-1:000000000000:build/proj:1234-5678", 7, "tester", project,
                Map.of(), List.of(), Map.of(), "us-east-1", "http://localhost/log");
    }

    @Override
    public Map<String, String> resolveSecrets(Map<String, String> parameterStore, Map<String, String> secretsManager) throws BuildFailure {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map<String, String> refs : List.of(parameterStore, secretsManager)) {
            for (Map.Entry<String, String> e : refs.entrySet()) {
                String value = secrets.get(e.getValue());
                if (value == null) {
                    throw new BuildFailure("SECRETS_ERROR", "no secret " + e.getValue());
                }
                values.put(e.getKey(), value);
            }
        }
        return values;
    }

    @Override
    public void progress(BuildSnapshot snapshot) {
        progress.add(snapshot);
    }

    @Override
    public List<String> finish(BuildSnapshot snapshot, List<TestReport> reports) {
        this.finalSnapshot = snapshot;
        this.reports = reports;
        List<String> arns = new ArrayList<>();
        for (TestReport r : reports) {
            arns.add("arn:report/" + r.group());
        }
        return arns;
    }
}
