package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.reports.TestReport;
import java.util.List;
import java.util.Map;

/**
 * The server's side of a build: it knows projects, secrets and build numbers, and keeps the build's record. A
 * pipeline's CodeBuild action reaches it through its job's requests (embedded or remote agent alike); a build the
 * server starts itself calls it directly.
 */
public interface BuildCoordinator {
    /** Registers the build and says what it needs; fails (e.g. the project does not exist) with a reason. */
    BuildStart start() throws BuildFailure;

    /**
     * The values of a buildspec's parameter-store and secrets-manager variables (variable → reference in, variable →
     * value out); fails naming the first reference that does not resolve.
     */
    Map<String, String> resolveSecrets(Map<String, String> parameterStore, Map<String, String> secretsManager) throws BuildFailure;

    /** Records the build's state while it runs (phases so far). */
    void progress(BuildSnapshot snapshot);

    /** Records how the build ended and its test reports; returns the reports' ARNs. */
    List<String> finish(BuildSnapshot snapshot, List<TestReport> reports);
}
