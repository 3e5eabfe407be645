package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.reports.TestReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a build ended.
 *
 * @param status            SUCCEEDED, FAILED, FAULT, TIMED_OUT or STOPPED
 * @param failedPhase       the first phase that did not succeed, or null
 * @param failureCode       its context's status code (COMMAND_EXECUTION_ERROR, CLIENT_ERROR…), or null
 * @param failureMessage    its context's message, or null
 * @param exportedVariables the buildspec's exported variables as the build left them
 * @param artifacts         the laid-out artifacts in the order the plan asked for them (directories to zip)
 * @param reports           the test reports read
 */
public record BuildResult(String status, String failedPhase, String failureCode, String failureMessage,
                          Map<String, String> exportedVariables, List<StagedArtifact> artifacts, List<TestReport> reports) {

    /**
     * An artifact laid out in a directory and uploaded: its buildspec identifier (null: primary), its name (or
     * null), where it was uploaded (as the sink says) and the SHA-256 of what was uploaded (or null).
     */
    public record StagedArtifact(String identifier, String name, Path directory, String location, String sha256) {
    }

    public boolean succeeded() {
        return BuildTimeline.SUCCEEDED.equals(status);
    }

    /** One line for people: the phase, the reason, and the tests when some failed. */
    public String describeFailure() {
        StringBuilder s = new StringBuilder();
        if (BuildTimeline.TIMED_OUT.equals(status)) {
            s.append("Build timed out in phase ").append(failedPhase);
        } else if (BuildTimeline.STOPPED.equals(status)) {
            s.append("Build stopped in phase ").append(failedPhase);
        } else {
            s.append("Build failed in phase ").append(failedPhase);
        }
        if (failureMessage != null) {
            s.append(": ").append(failureCode == null ? "" : failureCode + ": ").append(failureMessage);
        }
        return s.toString();
    }
}
