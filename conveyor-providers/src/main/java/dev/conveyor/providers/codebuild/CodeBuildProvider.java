package dev.conveyor.providers.codebuild;

import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The CodeBuild action (Build or Test category): runs the project named by ProjectName over the action's input
 * artifacts. The primary source (PrimarySource, else the first input) is CODEBUILD_SRC_DIR; every other input is
 * CODEBUILD_SRC_DIR_&lt;name&gt;. With one output artifact the buildspec's primary artifact fills it; with several,
 * each output takes the secondary artifact of its name (the first may take the primary one). The buildspec's
 * exported variables become the action's output variables; the build's id is its external execution id.
 */
public final class CodeBuildProvider implements ActionProvider {
    public static final ActionTypeId BUILD = new ActionTypeId("Build", "AWS", "CodeBuild", "1");
    public static final ActionTypeId TEST = new ActionTypeId("Test", "AWS", "CodeBuild", "1");

    private final ActionTypeId type;
    private final Clock clock;
    private final Supplier<Optional<ContainerEngine>> containers;

    private final dev.conveyor.providers.sandbox.JobSandbox sandbox;

    /** Builds whose commands run on the host run in {@code sandbox}. */
    public CodeBuildProvider(ActionTypeId type, dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        this(type, Clock.systemUTC(), ContainerEngine.cachedDetection(), sandbox);
    }

    CodeBuildProvider(ActionTypeId type, Clock clock, Supplier<Optional<ContainerEngine>> containers,
                      dev.conveyor.providers.sandbox.JobSandbox sandbox) {
        this.sandbox = sandbox;
        this.type = type;
        this.clock = clock;
        this.containers = containers;
    }

    @Override
    public ActionTypeId actionTypeId() {
        return type;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        BuildLog log = new BuildLog(job.log()::line);
        JobBuildCoordinator coordinator = new JobBuildCoordinator(job);
        BuildStart start;
        try {
            start = coordinator.start();
        } catch (BuildFailure e) {
            log.note("" + e.getMessage());
            return new JobOutcome.Failure("ConfigurationError", e.getMessage(), null);
        }
        Path cacheRoot = job.workspace().toAbsolutePath().getParent().resolveSibling("build-cache");
        BuildSession session = new BuildSession(coordinator, start, log, clock, cacheRoot, containers, sandbox,
                dev.conveyor.providers.sandbox.JobIdentity.environment(job));
        Duration timeout = Duration.ofMinutes(ProjectSettings.of(start.project()).timeoutMinutes());
        if (job.timeout().compareTo(timeout) < 0) {
            timeout = job.timeout(); // the action's own deadline comes first
        }
        List<String> outputs = job.outputNames();
        Map<String, String> outputOfIdentifier = new LinkedHashMap<>();
        // Which buildspec artifact fills which output: the secondary artifact named as the output, else (first output
        // only) the primary artifact. Known once the buildspec is read.
        Function<Buildspec, List<String>> artifacts = spec -> {
            List<String> identifiers = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                String output = outputs.get(i);
                String identifier = spec.secondaryArtifacts().containsKey(output) || i > 0 ? output : null;
                identifiers.add(identifier);
                outputOfIdentifier.put(identifier == null ? "" : identifier, output);
            }
            return identifiers;
        };
        List<JobOutcome.ProducedArtifact> produced = new ArrayList<>();
        ArtifactSink sink = (identifier, name, directory) -> {
            String output = outputOfIdentifier.get(identifier == null ? "" : identifier);
            Path zip = job.workspace().resolve("output-" + output + ".zip");
            ZipArchives.zip(directory, zip);
            String sha256 = sha256(zip);
            StoredArtifact stored = job.storeOutput(output, zip);
            produced.add(new JobOutcome.ProducedArtifact(output, stored.location()));
            Files.deleteIfExists(zip);
            return new ArtifactSink.Uploaded("arn:aws:s3:::" + stored.location().bucket() + "/" + stored.location().key(), sha256);
        };
        BuildSession.Outcome outcome = session.run(job.workspace().resolve("build"), timeout,
                workspace -> fetchInputs(job, start, workspace, log), artifacts, sink, job::registerProcessGroup);
        BuildResult result = outcome.result();
        String tests = BuildSession.describeTests(result.reports());
        if (!result.succeeded()) {
            return new JobOutcome.Failure("JobFailed", result.describeFailure() + (tests.isEmpty() ? "" : "; " + tests), start.buildId());
        }
        String summary = "Build " + start.buildId() + " succeeded" + (tests.isEmpty() ? "" : "; " + tests);
        return new JobOutcome.Success(summary, start.buildId(), start.logUrl(), null, result.exportedVariables(), produced, null, null);
    }

    /** Unpacks the inputs: the primary source in {@code src}, the others in {@code src-<name>}. */
    private static BuildSources fetchInputs(ActionJob job, BuildStart start, Path workspace, BuildLog log)
            throws IOException, BuildFailure {
        List<ActionJob.Input> inputs = job.inputs();
        String primaryName = job.configuration().getOrDefault("PrimarySource", "");
        if (primaryName.isBlank()) {
            primaryName = inputs.isEmpty() ? "" : inputs.getFirst().name();
        } else if (inputs.stream().noneMatch(i -> i.name().equals(job.configuration().get("PrimarySource")))) {
            throw new BuildFailure("CLIENT_ERROR", "PrimarySource '" + primaryName + "' is not an input artifact of the action");
        }
        Path primary = workspace.resolve("src");
        Files.createDirectories(primary);
        Map<String, Path> secondary = new LinkedHashMap<>();
        String sourceVersion = null;
        for (ActionJob.Input input : inputs) {
            boolean isPrimary = input.name().equals(primaryName);
            Path dir = isPrimary ? primary : workspace.resolve("src-" + input.name());
            Path zip = workspace.resolve("input-" + input.name() + ".zip");
            job.fetchInput(input, zip);
            ZipArchives.unzip(zip, dir);
            Files.delete(zip);
            if (isPrimary) {
                sourceVersion = "arn:aws:s3:::" + input.location().bucket() + "/" + input.location().key();
            } else {
                secondary.put(input.name(), dir);
            }
            log.note("" + (isPrimary ? "Primary source " : "Secondary source ") + input.name() + " unpacked in " + dir
                    + (isPrimary ? "" : " (CODEBUILD_SRC_DIR_" + input.name() + ")"));
        }
        return new BuildSources(primary, secondary, sourceVersion, start.sourceVersions().get(primaryName), null);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
