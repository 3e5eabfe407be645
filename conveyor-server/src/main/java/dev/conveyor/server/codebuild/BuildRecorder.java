package dev.conveyor.server.codebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.model.errors.ResourceNotFoundException;
import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.providers.codebuild.BuildSnapshot;
import dev.conveyor.providers.codebuild.reports.TestCaseResult;
import dev.conveyor.providers.codebuild.reports.TestReport;
import dev.conveyor.store.codebuild.BuildRepository;
import dev.conveyor.store.codebuild.BuildRow;
import dev.conveyor.store.codebuild.ProjectRepository;
import dev.conveyor.store.codebuild.ProjectRow;
import dev.conveyor.store.codebuild.ReportGroupRow;
import dev.conveyor.store.codebuild.ReportRepository;
import dev.conveyor.store.codebuild.ReportRow;
import dev.conveyor.store.codebuild.TestCaseRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps build records: creates a build (with the project's next build number), brings it up to date from its
 * runner's snapshots, stores its test reports, and ends builds stopped from outside or whose runner vanished. A
 * complete build is never changed again, so a runner's late report cannot undo a stop.
 */
final class BuildRecorder {
    private final ProjectRepository projects;
    private final BuildRepository builds;
    private final ReportRepository reports;
    private final CodeBuildArns arns;
    private final ExecutionEngine engine;
    private final Clock clock;

    BuildRecorder(ProjectRepository projects, BuildRepository builds, ReportRepository reports, CodeBuildArns arns,
                  ExecutionEngine engine, Clock clock) {
        this.projects = projects;
        this.builds = builds;
        this.reports = reports;
        this.arns = arns;
        this.engine = engine;
        this.clock = clock;
    }

    /** A new build of the project (as this build sees it), IN_PROGRESS in phase SUBMITTED. */
    BuildRow create(ProjectRow project, JsonNode effectiveProject, String initiator, String sourceVersion, String actionExecutionId,
                    String jobId) {
        long number = projects.nextBuildNumber(project.name())
                .orElseThrow(() -> new ResourceNotFoundException("Project cannot be found: " + project.arn()));
        String id = project.name() + ":" + UUID.randomUUID();
        Instant now = clock.instant();
        ObjectNode doc = BuildDocuments.create(id, arns.build(id), number, effectiveProject, initiator, sourceVersion, now);
        BuildRow row = new BuildRow(id, arns.build(id), project.name(), number, "IN_PROGRESS", "SUBMITTED", initiator,
                actionExecutionId, jobId, doc.toString(), now, null);
        builds.insert(row);
        return row;
    }

    Optional<BuildRow> find(String id) {
        return builds.find(id).map(this::reconciled);
    }

    void progress(String buildId, BuildSnapshot snapshot) {
        update(buildId, snapshot);
    }

    /** Records how the build ended and stores its reports (with any test cases they carry); returns their ARNs. */
    List<String> finish(String buildId, BuildSnapshot snapshot, List<TestReport> testReports) {
        BuildRow build = builds.find(buildId).orElseThrow(() -> new ResourceNotFoundException("Build not found: " + buildId));
        List<String> reportArns = new ArrayList<>();
        Instant now = clock.instant();
        for (TestReport report : testReports) {
            String groupArn = arns.reportGroupOf(build.projectName(), report.group());
            String groupName = CodeBuildArns.reportGroupName(groupArn);
            String reportArn = arns.report(groupName, buildId);
            ReportRow row = new ReportRow(reportArn, groupArn, groupName, "TEST", build.arn(), report.status(), report.total(),
                    report.count(TestCaseResult.SUCCEEDED), report.count(TestCaseResult.FAILED), report.count(TestCaseResult.SKIPPED),
                    report.count(TestCaseResult.ERROR), report.count(TestCaseResult.UNKNOWN), report.durationNanos(), report.truncated(), now);
            reports.insert(new ReportGroupRow(groupArn, groupName, "TEST", now, now), row, caseRows(reportArn, 0, report.cases()));
            reportArns.add(reportArn);
        }
        update(buildId, snapshot, reportArns);
        return reportArns;
    }

    void addTestCases(String reportArn, int firstSeq, List<TestCaseResult> cases) {
        reports.addTestCases(caseRows(reportArn, firstSeq, cases));
    }

    /** Stops a build from outside (StopBuild); empty when it does not exist. A complete build is returned as it is. */
    Optional<BuildRow> stop(String buildId) {
        return builds.find(buildId).map(row -> {
            if (row.complete()) {
                return row;
            }
            ObjectNode doc = (ObjectNode) ProjectDefinitions.read(row.documentJson());
            BuildDocuments.stop(doc, clock.instant());
            BuildRow stopped = withDocument(row, doc);
            builds.updateUnlessComplete(stopped);
            return builds.find(buildId).orElse(stopped);
        });
    }

    /** Ends a build whose runner is gone, with {@code status} (FAULT, STOPPED, TIMED_OUT) and why. */
    BuildRow abandon(BuildRow row, String status, String message) {
        if (row.complete()) {
            return row;
        }
        ObjectNode doc = (ObjectNode) ProjectDefinitions.read(row.documentJson());
        BuildDocuments.abandon(doc, status, message, clock.instant());
        BuildRow ended = withDocument(row, doc);
        builds.updateUnlessComplete(ended);
        return builds.find(row.id()).orElse(ended);
    }

    /**
     * A pipeline build as it really stands: one still IN_PROGRESS whose job has ended, or was offered to another agent,
     * never reported its end (its action was stopped, timed out, or its agent died), so it is ended here.
     */
    BuildRow reconciled(BuildRow row) {
        if (row.complete() || row.jobId() == null) {
            return row;
        }
        var job = engine.findJob(row.jobId());
        if (job.isEmpty()) {
            return abandon(row, "STOPPED", "The build's pipeline execution no longer exists");
        }
        JobStatus status = job.get().status();
        if (status == JobStatus.TimedOut) {
            return abandon(row, "TIMED_OUT", "The pipeline action timed out before the build ended");
        }
        if (status.isFinished()) {
            return abandon(row, "STOPPED", "The pipeline action ended (stopped or abandoned) before the build did");
        }
        if (status == JobStatus.Queued) {
            return abandon(row, "FAULT", "The agent running the build stopped responding; the action is offered to another agent");
        }
        return row;
    }

    /** Ends the builds an earlier pipeline job of the same action left behind (its agent died, the job runs again). */
    void abandonEarlierBuildsOfJob(String jobId, String actionExecutionId) {
        for (BuildRow earlier : builds.incompleteOfAction(actionExecutionId)) {
            if (jobId.equals(earlier.jobId())) {
                abandon(earlier, "FAULT", "The agent running the build stopped responding; the build runs again on another agent");
            }
        }
    }

    private void update(String buildId, BuildSnapshot snapshot) {
        update(buildId, snapshot, List.of());
    }

    private void update(String buildId, BuildSnapshot snapshot, List<String> reportArns) {
        BuildRow row = builds.find(buildId).orElseThrow(() -> new ResourceNotFoundException("Build not found: " + buildId));
        if (row.complete()) {
            return;
        }
        ObjectNode doc = (ObjectNode) ProjectDefinitions.read(row.documentJson());
        BuildDocuments.apply(doc, snapshot);
        BuildDocuments.addReportArns(doc, reportArns);
        builds.updateUnlessComplete(withDocument(row, doc));
    }

    private static BuildRow withDocument(BuildRow row, ObjectNode doc) {
        boolean complete = doc.path("buildComplete").asBoolean(false);
        return new BuildRow(row.id(), row.arn(), row.projectName(), row.buildNumber(), doc.path("buildStatus").asText(),
                doc.path("currentPhase").asText(), row.initiator(), row.actionExecutionId(), row.jobId(), doc.toString(), row.startedAt(),
                complete ? Instant.ofEpochMilli(doc.path("endTime").asLong()) : null);
    }

    private static List<TestCaseRow> caseRows(String reportArn, int firstSeq, List<TestCaseResult> cases) {
        List<TestCaseRow> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            TestCaseResult c = cases.get(i);
            rows.add(new TestCaseRow(reportArn, firstSeq + i, cut(c.name(), 1024), cut(c.prefix(), 1024), cut(c.suiteName(), 1024),
                    c.status(), c.durationNanos(), cut(c.message(), 4096), cut(c.rawDataPath(), 1024)));
        }
        return rows;
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
