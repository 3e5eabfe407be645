package dev.conveyor.server.codebuild;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.engine.agent.ActionLog;
import dev.conveyor.providers.codebuild.BuildCoordinator;
import dev.conveyor.providers.codebuild.BuildFailure;
import dev.conveyor.providers.codebuild.BuildLog;
import dev.conveyor.providers.codebuild.BuildSession;
import dev.conveyor.providers.codebuild.BuildSnapshot;
import dev.conveyor.providers.codebuild.BuildStart;
import dev.conveyor.providers.codebuild.ContainerEngine;
import dev.conveyor.providers.codebuild.ProjectSettings;
import dev.conveyor.providers.codebuild.reports.TestReport;
import dev.conveyor.server.secrets.SecretReferences;
import dev.conveyor.store.codebuild.BuildRepository;
import dev.conveyor.store.codebuild.BuildRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds started with StartBuild, outside any pipeline. They run here, on the server's host (or in a container),
 * through the same {@link BuildSession} as a pipeline's builds on agents, at most {@code capacity} at once (the
 * others wait in QUEUED); their sources come from S3 or git and their artifacts go to S3, as the project says.
 * Pipeline jobs go through the job queue because remote agents must be able to take them; these need no queue:
 * a StartBuild build belongs to the server that started it, and a restart of that server ends its unfinished ones.
 */
final class ServerBuilds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerBuilds.class);

    private final BuildRecorder recorder;
    private final BuildRepository builds;
    private final SecretReferences secrets;
    private final SourceDownloads sources;
    private final dev.conveyor.providers.sandbox.JobSandbox sandbox;
    private final Path root;
    private final Semaphore slots;
    private final Clock clock;
    private final Supplier<Optional<ContainerEngine>> containers = ContainerEngine.cachedDetection();
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    /** @param root where builds' workspaces, logs and caches live ({@code <data-dir>/codebuild}) */
    ServerBuilds(BuildRecorder recorder, BuildRepository builds, SecretReferences secrets, ObjectStore objects,
                 Function<String, String> gitUrl, Path root, int capacity, Clock clock, dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        this.sandbox = sandbox;
        this.recorder = recorder;
        this.builds = builds;
        this.secrets = secrets;
        this.sources = new SourceDownloads(objects, gitUrl);
        this.root = root;
        this.slots = new Semaphore(capacity);
        this.clock = clock;
    }

    /** Ends the builds a previous process of this server left unfinished, and deletes their workspaces. */
    void settleLeftovers() {
        for (BuildRow build : builds.incomplete()) {
            if (build.jobId() == null) {
                recorder.abandon(build, "FAULT", "The server restarted while the build ran");
            }
        }
        deleteTree(root.resolve("workspaces"));
    }

    /** Runs the build (already recorded) in the background; returns at once. */
    void run(BuildRow build, BuildStart start, ArtifactUploads artifacts) {
        Thread thread = Thread.ofVirtual().name("build-" + build.id()).unstarted(() -> runBuild(build, start, artifacts));
        running.put(build.id(), thread);
        thread.start();
    }

    private void runBuild(BuildRow build, BuildStart start, ArtifactUploads artifacts) {
        Path workspace = null;
        try {
            slots.acquire();
            try (ActionLog log = new ActionLog(logFile(build.id()), ActionLog.DEFAULT_MAX_BYTES, List.of())) {
                workspace = Files.createDirectories(root.resolve("workspaces")).resolve(uuidOf(build.id()));
                Files.createDirectories(workspace);
                BuildLog buildLog = new BuildLog(log::line);
                BuildSession session = new BuildSession(new Coordinator(build, start), start, buildLog, clock, root.resolve("cache"),
                        containers, sandbox, java.util.Map.of());
                Duration timeout = Duration.ofMinutes(ProjectSettings.of(start.project()).timeoutMinutes());
                session.run(workspace, timeout, ws -> sources.fetch(start.project(), ws, buildLog), spec -> artifacts.identifiers(),
                        artifacts.sink(build.id(), buildLog), pgid -> { });
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            LOG.info("build {} was stopped", build.id());
        } catch (IOException | RuntimeException e) {
            LOG.warn("build {} could not run", build.id(), e);
            builds.find(build.id()).ifPresent(row -> recorder.abandon(row, "FAULT", "The server could not run the build: " + e.getMessage()));
        } finally {
            running.remove(build.id());
            if (workspace != null) {
                deleteTree(workspace);
            }
        }
    }

    /** Stops a build running here (its processes are killed); false when it is not running here. */
    boolean stop(String buildId) {
        Thread thread = running.get(buildId);
        if (thread == null) {
            return false;
        }
        thread.interrupt();
        return true;
    }

    /** Where a StartBuild build's log is kept. */
    Path logFile(String buildId) {
        return root.resolve("logs").resolve(uuidOf(buildId) + ".log");
    }

    /** The server's side of a build it runs itself: direct calls, no requests. */
    private final class Coordinator implements BuildCoordinator {
        private final BuildRow build;
        private final BuildStart start;

        Coordinator(BuildRow build, BuildStart start) {
            this.build = build;
            this.start = start;
        }

        @Override
        public BuildStart start() {
            return start;
        }

        @Override
        public Map<String, String> resolveSecrets(Map<String, String> parameterStore, Map<String, String> secretsManager) throws BuildFailure {
            Map<String, String> values = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, String> e : parameterStore.entrySet()) {
                    values.put(e.getKey(), secrets.parameter(e.getValue()));
                }
                for (Map.Entry<String, String> e : secretsManager.entrySet()) {
                    values.put(e.getKey(), secrets.secret(e.getValue()));
                }
            } catch (SecretReferences.UnresolvedException e) {
                throw new BuildFailure("SECRETS_ERROR", "env: " + e.getMessage());
            }
            return values;
        }

        @Override
        public void progress(BuildSnapshot snapshot) {
            recorder.progress(build.id(), snapshot);
        }

        @Override
        public List<String> finish(BuildSnapshot snapshot, List<TestReport> reports) {
            return recorder.finish(build.id(), snapshot, reports);
        }
    }

    static String uuidOf(String buildId) {
        return buildId.substring(buildId.indexOf(':') + 1);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        running.values().forEach(Thread::interrupt);
    }
}
