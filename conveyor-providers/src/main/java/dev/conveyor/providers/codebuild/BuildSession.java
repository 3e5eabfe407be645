package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import dev.conveyor.providers.codebuild.reports.TestReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build from start to record, the same for a pipeline's action and a build the server starts: the early
 * phases (SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE: sources fetched, buildspec read, its secrets resolved,
 * host or container chosen), then the {@link BuildRunner}'s phases, every change reported to the
 * {@link BuildCoordinator}, and at the end the build's final state and test reports.
 */
public final class BuildSession {
    private static final Logger LOG = LoggerFactory.getLogger(BuildSession.class);

    private final BuildCoordinator coordinator;
    private final BuildStart start;
    private final ProjectSettings project;
    private final BuildLog log;
    private final Clock clock;
    private final Path cacheRoot;
    private final Supplier<Optional<ContainerEngine>> containers;
    private final BuildTimeline timeline;
    private volatile BuildSources sources;
    private final dev.conveyor.providers.sandbox.JobSandbox sandbox;
    private final Map<String, String> identity;

    /**
     * @param cacheRoot  where project caches live on this host (one directory per project), or null for none
     * @param containers the container engine of this host, if one works
     */
    public BuildSession(BuildCoordinator coordinator, BuildStart start, BuildLog log, Clock clock, Path cacheRoot,
                        Supplier<Optional<ContainerEngine>> containers) {
        this(coordinator, start, log, clock, cacheRoot, containers, dev.conveyor.providers.sandbox.JobSandbox.environmentOnly(), Map.of());
    }

    /**
     * @param sandbox  where the build's commands run on the host
     * @param identity variables giving the build its role's credentials (see {@code JobIdentity}), or none
     */
    public BuildSession(BuildCoordinator coordinator, BuildStart start, BuildLog log, Clock clock, Path cacheRoot,
                        Supplier<Optional<ContainerEngine>> containers, dev.conveyor.providers.sandbox.JobSandbox sandbox,
                        Map<String, String> identity) {
        this.sandbox = sandbox;
        this.identity = Map.copyOf(identity);
        this.coordinator = coordinator;
        this.start = start;
        this.project = ProjectSettings.of(start.project());
        this.log = log;
        this.clock = clock;
        this.cacheRoot = cacheRoot;
        this.containers = containers;
        this.timeline = new BuildTimeline(clock, this::reportProgress);
        log.mask(start.secretValues());
    }

    /** How the build ended, with the ARNs of its reports as the server recorded them. */
    public record Outcome(BuildResult result, List<String> reportArns) {
    }

    /**
     * Runs the build in {@code workspace}; {@code artifacts} chooses, once the buildspec is read, the artifacts to
     * lay out and hand to the sink (null for the primary one, else secondary identifiers). Throws
     * InterruptedException, after recording the build as STOPPED, when the calling thread is interrupted.
     */
    public Outcome run(Path workspace, Duration timeout, BuildSources.Fetcher fetcher, Function<Buildspec, List<String>> artifacts,
                       ArtifactSink sink, LongConsumer processGroups) throws InterruptedException {
        Instant startTime = clock.instant();
        Instant deadline = startTime.plus(timeout);
        log.note("Build " + start.buildId() + " (number " + start.buildNumber() + ") of project "
                + project.name() + " started by " + start.initiator());
        timeline.instant("SUBMITTED");
        timeline.instant("QUEUED");
        timeline.start("PROVISIONING");
        BuildPlan.Container container = chooseContainer();
        timeline.end(BuildTimeline.SUCCEEDED, null, null);

        timeline.start("DOWNLOAD_SOURCE");
        Buildspec buildspec;
        Map<String, String> secrets;
        try {
            sources = fetcher.fetch(workspace);
            buildspec = BuildspecSource.load(project.buildspec(), sources.primary(), log);
            secrets = resolveSecrets(buildspec);
        } catch (BuildFailure e) {
            return endEarly("DOWNLOAD_SOURCE", e.code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return endEarly("DOWNLOAD_SOURCE", "CLIENT_ERROR", "the source cannot be fetched: " + e.getMessage());
        } catch (InterruptedException e) {
            endStopped();
            throw e;
        }
        timeline.end(BuildTimeline.SUCCEEDED, null, null);

        String shell = buildspec.env().shell();
        if (shell != null && !shell.equals("bash") && !shell.equals("/bin/bash")) {
            log.note("env.shell " + shell + " is not used: commands run in bash");
        }
        Path cache = cacheRoot != null && project.caches() ? cacheRoot.resolve(safeName(project.name())) : null;
        if (cacheRoot != null && !project.caches() && !buildspec.cachePaths().isEmpty()) {
            log.note("The buildspec names cache paths but the project's cache is NO_CACHE: nothing is cached");
        }
        Map<String, String> environment = new java.util.LinkedHashMap<>(identity); // what the build declares may replace it
        environment.putAll(BuildEnvironment.of(start, project, buildspec, secrets, sources, startTime));
        BuildPlan plan = new BuildPlan(workspace, sources.primary(), buildspec, environment, deadline, cache, container,
                artifacts.apply(buildspec), sink, processGroups);
        BuildResult result;
        try {
            result = new BuildRunner(clock, sandbox).run(plan, timeline, log);
        } catch (RuntimeException e) {
            // A fault of this agent (a disk full, bash missing), not of the build: recorded as CodeBuild's FAULT.
            LOG.warn("build {} faulted", start.buildId(), e);
            String phase = timeline.currentPhase();
            if (timeline.running()) {
                timeline.end("FAULT", "CLIENT_ERROR", String.valueOf(e.getMessage()));
            }
            timeline.complete();
            result = new BuildResult("FAULT", phase, "CLIENT_ERROR", "the agent could not run the build: " + e.getMessage(),
                    Map.of(), List.of(), List.of());
        }
        boolean stopped = Thread.interrupted(); // record the end first, then tell the caller
        List<String> reportArns = finish(result);
        if (stopped) {
            throw new InterruptedException("the build was stopped");
        }
        return new Outcome(result, reportArns);
    }

    private BuildPlan.Container chooseContainer() {
        if (project.curatedImage()) {
            log.note("Running on the host" + (project.image() == null ? "" : ", which stands in for " + project.image()));
            return null;
        }
        Optional<ContainerEngine> engine = containers.get();
        if (engine.isEmpty()) {
            log.note("No working container engine (docker, podman) on this host: running on the host instead of in "
                    + project.image());
            return null;
        }
        return new BuildPlan.Container(project.image(), engine.get(), project.privileged());
    }

    private Map<String, String> resolveSecrets(Buildspec buildspec) throws BuildFailure {
        if (buildspec.env().parameterStore().isEmpty() && buildspec.env().secretsManager().isEmpty()) {
            return Map.of();
        }
        Map<String, String> values = coordinator.resolveSecrets(buildspec.env().parameterStore(), buildspec.env().secretsManager());
        log.mask(values.values());
        return values;
    }

    /** Ends a build that failed before its commands: the phase fails, FINALIZING and COMPLETED follow. */
    private Outcome endEarly(String phase, String code, String message) {
        timeline.end(BuildTimeline.FAILED, code, message);
        log.note("Phase complete: " + phase + " State: FAILED");
        log.note("Phase context status code: " + code + " Message: " + message);
        timeline.start("FINALIZING");
        timeline.end(BuildTimeline.SUCCEEDED, null, null);
        timeline.complete();
        BuildResult result = new BuildResult(BuildTimeline.FAILED, phase, code, message, Map.of(), List.of(), List.of());
        return new Outcome(result, finish(result));
    }

    private void endStopped() {
        String phase = timeline.currentPhase();
        timeline.end(BuildTimeline.STOPPED, "BUILD_STOPPED", "The build was stopped");
        timeline.complete();
        finish(new BuildResult(BuildTimeline.STOPPED, phase, "BUILD_STOPPED", "The build was stopped", Map.of(), List.of(), List.of()));
    }

    private List<String> finish(BuildResult result) {
        BuildSnapshot snapshot = new BuildSnapshot(result.status(), "COMPLETED", timeline.phases(), result.exportedVariables(),
                sources == null ? null : sources.resolvedSourceVersion(), result.artifacts(), clock.instant());
        try {
            return coordinator.finish(snapshot, result.reports());
        } catch (RuntimeException e) {
            LOG.warn("could not record the end of build {}: {}", start.buildId(), e.toString());
            log.note("warning: the build's record could not be completed: " + e.getMessage());
            return List.of();
        }
    }

    private void reportProgress(BuildTimeline t) {
        if (t.currentPhase().equals("COMPLETED")) {
            return; // the final state is reported by finish()
        }
        try {
            coordinator.progress(new BuildSnapshot(BuildSnapshot.IN_PROGRESS, t.currentPhase(), t.phases(), Map.of(),
                    sources == null ? null : sources.resolvedSourceVersion(), List.of(), null));
        } catch (RuntimeException e) {
            LOG.debug("could not report the progress of build {}: {}", start.buildId(), e.toString());
        }
    }

    /** Test reports of a finished build in one line, e.g. {@code tests: 12 passed, 1 failed (CalcTest.divides)}. */
    public static String describeTests(List<TestReport> reports) {
        if (reports.isEmpty()) {
            return "";
        }
        int total = reports.stream().mapToInt(TestReport::total).sum();
        int failed = reports.stream().mapToInt(TestReport::failures).sum();
        int skipped = reports.stream().mapToInt(r -> r.count("SKIPPED")).sum();
        int passed = reports.stream().mapToInt(r -> r.count("SUCCEEDED")).sum();
        StringBuilder s = new StringBuilder("tests: " + total + " total, " + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        List<String> failing = reports.stream().flatMap(r -> r.cases().stream()).filter(c -> c.failed())
                .map(c -> c.qualifiedName() + (c.message() == null ? "" : ": " + c.message().lines().findFirst().orElse("")))
                .limit(3).toList();
        if (!failing.isEmpty()) {
            s.append(" (").append(String.join("; ", failing)).append(failed > failing.size() ? "; …" : "").append(')');
        }
        return s.toString();
    }

    static String safeName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
