package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.ArtifactSpec;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.OnFailure;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.Phase;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.PhaseSpec;
import dev.conveyor.providers.codebuild.reports.TestReport;
import dev.conveyor.providers.commands.ShellProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Takes a prepared build through INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS and FINALIZING with
 * CodeBuild's transitions: a failure in INSTALL or PRE_BUILD ends the build (FINALIZING follows), a failure in
 * BUILD still runs POST_BUILD (with CODEBUILD_BUILD_SUCCEEDING=0), {@code on-failure: CONTINUE} goes on to the next
 * phase, and {@code finally} commands run after a phase's commands whatever happened. The build fails on its first
 * failure; on its deadline it is TIMED_OUT and on interruption STOPPED, its processes killed either way.
 */
public final class BuildRunner {
    private final Clock clock;

    private final dev.conveyor.providers.sandbox.JobSandbox sandbox;

    public BuildRunner(Clock clock) {
        this(clock, dev.conveyor.providers.sandbox.JobSandbox.environmentOnly());
    }

    /** A runner whose host commands run in {@code sandbox} (container builds run in their container). */
    public BuildRunner(Clock clock, dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        this.sandbox = sandbox;
        this.clock = clock;
    }

    /** What running one list of commands came to. */
    private record Commands(boolean ok, boolean timedOut, String command, int exitCode) {
        static final Commands OK = new Commands(true, false, null, 0);
    }

    /** Thrown out of the phases when the caller's thread is interrupted (the build was stopped or abandoned). */
    private static final class Stopped extends Exception {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs the plan; the timeline gets the phases from INSTALL on and COMPLETED at the end. Returns how the build
     * ended; a build stopped by interruption returns STOPPED with the thread's interrupt flag set again.
     */
    public BuildResult run(BuildPlan plan, BuildTimeline timeline, BuildLog log) {
        Run run = new Run(plan, timeline, log);
        try {
            run.phases();
        } catch (Stopped e) {
            run.stopped();
        } finally {
            run.closeContainer();
        }
        timeline.complete();
        if (BuildTimeline.STOPPED.equals(run.status)) {
            Thread.currentThread().interrupt();
        }
        return new BuildResult(run.status, run.failedPhase, run.failureCode, run.failureMessage, run.exported, run.staged, run.reports);
    }

    /** The state of one run. */
    private final class Run {
        private final BuildPlan plan;
        private final BuildTimeline timeline;
        private final BuildLog log;
        private final Buildspec spec;
        private final Path control;
        private ContainerEngine.Session container;
        private boolean succeeding = true;
        private String status = BuildTimeline.SUCCEEDED;
        private String failedPhase;
        private String failureCode;
        private String failureMessage;
        private Map<String, String> exported = Map.of();
        private final List<BuildResult.StagedArtifact> staged = new ArrayList<>();
        private final List<TestReport> reports = new ArrayList<>();

        Run(BuildPlan plan, BuildTimeline timeline, BuildLog log) {
            this.plan = plan;
            this.timeline = timeline;
            this.log = log;
            this.spec = plan.buildspec();
            this.control = plan.workspace().resolve(".codebuild");
        }

        void phases() throws Stopped {
            try {
                Files.createDirectories(control);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            boolean finalizeNow = false;
            for (Phase phase : Phase.values()) {
                if (finalizeNow) {
                    break;
                }
                PhaseSpec phaseSpec = spec.phase(phase);
                enter(phase.name());
                if (phase == Phase.INSTALL && !startContainerAndCache()) {
                    finalizeNow = true;
                    continue;
                }
                if (!phaseSpec.runtimeVersions().isEmpty()) {
                    log.note("runtime-versions " + phaseSpec.runtimeVersions() + " are not installed by this server: "
                            + "the build uses what the " + (plan.container() == null ? "host" : "image") + " has");
                }
                Commands commands = commands(phaseSpec.commands());
                Commands after = commands.timedOut() || phaseSpec.finallyCommands().isEmpty() ? Commands.OK : commands(phaseSpec.finallyCommands());
                if (commands.timedOut() || after.timedOut()) {
                    fail(phase.name(), BuildTimeline.TIMED_OUT, "BUILD_TIMED_OUT", "Build has timed out: its processes were killed");
                    finalizeNow = true;
                    continue;
                }
                Commands failed = !commands.ok() ? commands : !after.ok() ? after : null;
                if (failed == null) {
                    leave(phase.name(), BuildTimeline.SUCCEEDED, null, null);
                    continue;
                }
                fail(phase.name(), BuildTimeline.FAILED, "COMMAND_EXECUTION_ERROR", "Error while executing command: "
                        + firstLine(failed.command()) + ". Reason: exit status " + failed.exitCode());
                if (phaseSpec.onFailure() == OnFailure.ABORT && (phase == Phase.INSTALL || phase == Phase.PRE_BUILD)) {
                    finalizeNow = true;
                }
            }
            if (!finalizeNow) {
                uploadArtifacts();
            }
            enter("FINALIZING");
            finish();
            leave("FINALIZING", BuildTimeline.SUCCEEDED, null, null);
        }

        private boolean startContainerAndCache() throws Stopped {
            try {
                if (plan.container() != null) {
                    BuildPlan.Container c = plan.container();
                    container = c.engine().start(c.image(), "conveyor-build-" + UUID.randomUUID(), plan.workspace(), c.privileged(), log);
                }
                if (plan.cacheDir() != null && !spec.cachePaths().isEmpty()) {
                    new BuildCache(plan.cacheDir()).restore(plan.sourceDir(), spec.cachePaths(), log);
                }
                return true;
            } catch (BuildFailure e) {
                fail("INSTALL", BuildTimeline.FAILED, e.code(), e.getMessage());
                return false;
            } catch (IOException e) {
                log.note("Cache: could not be restored (" + e.getMessage() + ")");
                return true;
            } finally {
                if (Thread.currentThread().isInterrupted()) {
                    throw new Stopped();
                }
            }
        }

        private void uploadArtifacts() {
            enter("UPLOAD_ARTIFACTS");
            String code = null;
            String message = null;
            for (Map.Entry<String, Buildspec.ReportSpec> report : spec.reports().entrySet()) {
                TestReport read = TestReportReader.read(report.getKey(), report.getValue(), plan.sourceDir(), log);
                if (read != null) {
                    reports.add(read);
                }
            }
            if (status.equals(BuildTimeline.SUCCEEDED)) {
                try {
                    for (String identifier : plan.artifacts()) {
                        stage(identifier);
                    }
                } catch (BuildFailure e) {
                    code = e.code();
                    message = e.getMessage();
                } catch (IOException e) {
                    code = "CLIENT_ERROR";
                    message = "cannot lay out the artifacts: " + e.getMessage();
                }
            } else if (!plan.artifacts().isEmpty()) {
                log.note("The build failed: its artifacts are not uploaded");
            }
            if (code == null) {
                leave("UPLOAD_ARTIFACTS", BuildTimeline.SUCCEEDED, null, null);
            } else {
                fail("UPLOAD_ARTIFACTS", BuildTimeline.FAILED, code, message);
            }
        }

        private void stage(String identifier) throws BuildFailure, IOException {
            ArtifactSpec artifact = identifier == null ? spec.artifacts() : spec.secondaryArtifacts().get(identifier);
            if (artifact == null) {
                throw new BuildFailure("CLIENT_ERROR", identifier == null
                        ? "the buildspec has no artifacts section (artifacts.files) for the build's output artifact"
                        : "the buildspec has no secondary artifact '" + identifier + "' (artifacts.secondary-artifacts." + identifier + ")");
            }
            String what = identifier == null ? "artifacts" : "secondary artifact " + identifier;
            Path target = plan.workspace().resolve("artifacts").resolve(identifier == null ? "primary" : "secondary-" + staged.size());
            int count = ArtifactStager.stage(artifact, what, plan.sourceDir(), target, log);
            ArtifactSink.Uploaded uploaded = plan.artifactSink().upload(identifier, artifact.name(), target);
            log.note("" + (identifier == null ? "Primary artifact" : "Secondary artifact " + identifier) + ": " + count
                    + " files uploaded to " + uploaded.location());
            staged.add(new BuildResult.StagedArtifact(identifier, artifact.name(), target, uploaded.location(), uploaded.sha256()));
        }

        private void finish() {
            try {
                exported = CommandScript.exported(control, spec.env().exportedVariables());
                if (status.equals(BuildTimeline.SUCCEEDED) && plan.cacheDir() != null && !spec.cachePaths().isEmpty()) {
                    new BuildCache(plan.cacheDir()).save(plan.sourceDir(), spec.cachePaths(), log);
                }
            } catch (IOException e) {
                log.note("Finalizing: " + e.getMessage());
            }
        }

        /** Runs commands in as many sessions as it takes (a command that exits the shell with 0 is not a failure). */
        private Commands commands(List<String> commands) throws Stopped {
            int from = 0;
            while (from < commands.size()) {
                Duration left = Duration.between(clock.instant(), plan.deadline());
                if (left.isNegative() || left.isZero()) {
                    return new Commands(false, true, commands.get(from), -1);
                }
                ShellProcess.Result result;
                CommandScript.Progress progress;
                try {
                    Path script = control.resolve("commands-" + UUID.randomUUID() + ".sh");
                    Files.writeString(script, CommandScript.of(commands, from, control, spec.env().exportedVariables(), succeeding,
                            false), StandardCharsets.UTF_8); // on the host the sandbox runs the watchdog, out of the job's reach
                    Files.deleteIfExists(control.resolve("state"));
                    Path workingDir = plan.sourceDir();
                    if (container == null) {
                        result = ShellProcess.run(sandbox, plan.workspace(), List.of("bash", script.toString()), workingDir,
                                plan.environment(), left, log, plan.processGroups());
                    } else {
                        result = ShellProcess.run(container.exec(script, workingDir, plan.environment().keySet()), workingDir,
                                plan.environment(), left, log, plan.processGroups());
                    }
                    progress = CommandScript.progress(control);
                    Files.deleteIfExists(script);
                } catch (InterruptedException e) {
                    throw new Stopped();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (result.timedOut()) {
                    return new Commands(false, true, progress.index() >= 0 ? commands.get(progress.index()) : commands.get(from), -1);
                }
                switch (progress.state()) {
                    case "done" -> from = commands.size();
                    case "fail" -> {
                        return new Commands(false, false, commands.get(progress.index()), progress.exitCode());
                    }
                    case "run" -> {
                        if (result.exitCode() != 0) {
                            return new Commands(false, false, commands.get(progress.index()), result.exitCode());
                        }
                        from = progress.index() + 1; // the command ended the shell with status 0: go on after it
                    }
                    default -> {
                        return new Commands(false, false, commands.get(from), result.exitCode() == 0 ? 1 : result.exitCode());
                    }
                }
            }
            return Commands.OK;
        }

        private void enter(String phase) {
            timeline.start(phase);
            log.note("Entering phase " + phase);
        }

        private void leave(String phase, String phaseStatus, String code, String message) {
            timeline.end(phaseStatus, code, message);
            log.note("Phase complete: " + phase + " State: " + phaseStatus);
            log.note("Phase context status code: " + (code == null ? "" : code) + " Message: "
                    + (message == null ? "" : message));
        }

        /** Ends the phase as not succeeded; the build takes the first such phase's status and reason. */
        private void fail(String phase, String phaseStatus, String code, String message) {
            leave(phase, phaseStatus, code, message);
            succeeding = false;
            if (failedPhase == null || BuildTimeline.TIMED_OUT.equals(phaseStatus)) {
                failedPhase = phase;
                failureCode = code;
                failureMessage = message;
                status = phaseStatus;
            }
        }

        void stopped() {
            String phase = timeline.currentPhase();
            if (timeline.running()) {
                timeline.end(BuildTimeline.STOPPED, "BUILD_STOPPED", "The build was stopped");
            }
            log.note("The build was stopped in phase " + phase);
            status = BuildTimeline.STOPPED;
            failedPhase = phase;
            failureCode = "BUILD_STOPPED";
            failureMessage = "The build was stopped";
        }

        void closeContainer() {
            if (container != null) {
                container.close();
            }
        }

    }

    private static String firstLine(String command) {
        String line = command.strip().lines().findFirst().orElse("");
        return command.strip().contains("\n") ? line + " …" : line;
    }
}
