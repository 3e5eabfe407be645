package dev.conveyor.providers.commands;

import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.providers.sandbox.JobIdentity;
import dev.conveyor.providers.sandbox.JobSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Compute/AWS/Commands on the agent's host: the first input artifact is unpacked as the working directory
 * (CODEBUILD_SRC_DIR), others beside it (CODEBUILD_SRC_DIR_name); the commands run in order in one bash session
 * and stop at the first failure; the variables named in outputVariables are read from the environment the
 * commands leave; output artifacts are zipped from the working directory (limited to their {@code files} globs).
 */
public final class CommandsProvider implements ActionProvider {
    private static final String FAILED_MARKER = "conveyor-current-command";

    private final JobSandbox sandbox;

    /** Commands run in {@code sandbox} (see {@link JobSandbox}). */
    public CommandsProvider(JobSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ActionTypeId actionTypeId() {
        return BuiltInActionTypes.COMMANDS;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        try {
            return execute(job);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JobOutcome execute(ActionJob job) throws IOException, InterruptedException {
        Path workspace = job.workspace();
        Map<String, String> env = new LinkedHashMap<>(job.environmentVariables());
        Path source = workspace.resolve("src");
        Files.createDirectories(source);
        List<ActionJob.Input> inputs = job.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            ActionJob.Input input = inputs.get(i);
            Path zip = workspace.resolve("input-" + i + ".zip");
            job.fetchInput(input, zip);
            Path dir = i == 0 ? source : workspace.resolve("src-" + input.name());
            ZipArchives.unzip(zip, dir);
            Files.delete(zip);
            env.put("CODEBUILD_SRC_DIR_" + input.name(), dir.toString());
            job.log().line("[conveyor] input artifact " + input.name() + " unpacked in " + dir);
        }
        env.put("CODEBUILD_SRC_DIR", source.toString());
        env.put("CODEPIPELINE_EXECUTION_ID", job.pipelineExecutionId());
        env.put("CODEPIPELINE_PIPELINE_NAME", job.pipelineName());
        env.putAll(JobIdentity.environment(job)); // the pipeline's (or action's) role, if it is one of this server's

        Path state = workspace.resolve(FAILED_MARKER);
        Path variables = workspace.resolve("output-variables");
        Path script = workspace.resolve("commands.sh");
        Files.writeString(script, script(job.commands(), job.outputVariableNames(), state, variables), StandardCharsets.UTF_8);

        ShellProcess.Result result = ShellProcess.run(sandbox, script, source, env, job.timeout(), job);
        if (result.timedOut()) {
            return JobOutcome.Failure.jobFailed("The commands did not finish within " + job.timeout().toMinutes() + " minutes and were stopped");
        }
        if (result.exitCode() != 0) {
            String failed = Files.exists(state) ? Files.readString(state, StandardCharsets.UTF_8).strip() : "?";
            int index = Integer.parseInt(failed.isEmpty() || failed.equals("?") ? "0" : failed);
            String command = index >= 1 && index <= job.commands().size() ? job.commands().get(index - 1) : "?";
            return JobOutcome.Failure.jobFailed("Command " + index + " failed with exit code " + result.exitCode() + ": " + command);
        }

        Map<String, String> outputs = readVariables(variables, job.outputVariableNames());
        List<JobOutcome.ProducedArtifact> artifacts = new ArrayList<>();
        for (String name : job.outputNames()) {
            Path zip = workspace.resolve("output-" + name + ".zip");
            List<String> globs = job.outputFiles(name);
            if (globs.isEmpty()) {
                ZipArchives.zip(source, zip);
            } else {
                Path staged = stage(source, globs, workspace.resolve("out-" + name));
                ZipArchives.zip(staged, zip);
            }
            StoredArtifact stored = job.storeOutput(name, zip);
            artifacts.add(new JobOutcome.ProducedArtifact(name, stored.location()));
            job.log().line("[conveyor] output artifact " + name + " stored (" + stored.size() + " bytes)");
        }
        return new JobOutcome.Success("Ran " + job.commands().size() + " commands", null, null, null, outputs, artifacts, null, null);
    }

    /**
     * The script: each command announced in the log and recorded as current before it runs, so a failure names
     * it; then the requested variables written NUL-separated for the provider to read.
     */
    static String script(List<String> commands, List<String> outputVariables, Path state, Path variables) {
        StringBuilder s = new StringBuilder();
        // (no watchdog in the script: the sandbox runs one outside, which the job cannot see or stop)
        s.append("set -e\n");
        for (int i = 0; i < commands.size(); i++) {
            s.append("echo ").append(i + 1).append(" > ").append(quote(state.toString())).append('\n');
            s.append("printf '%s\\n' ").append(quote("$ " + commands.get(i))).append('\n');
            s.append(commands.get(i)).append('\n');
        }
        s.append(": > ").append(quote(variables.toString())).append('\n');
        for (String name : outputVariables) {
            s.append("printf '%s=%s\\0' ").append(quote(name)).append(" \"${").append(name).append(":-}\" >> ")
                    .append(quote(variables.toString())).append('\n');
        }
        return s.toString();
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static Map<String, String> readVariables(Path file, List<String> names) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return result;
        }
        for (String entry : Files.readString(file, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && names.contains(entry.substring(0, eq))) {
                result.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return result;
    }

    /** Copies the files under {@code root} that match any glob into {@code target}, keeping relative paths. */
    private static Path stage(Path root, List<String> globs, Path target) throws IOException {
        List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path relative = root.relativize(file);
                if (matchers.stream().anyMatch(m -> m.matches(relative))) {
                    Path copy = target.resolve(relative);
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
        }
        return target;
    }
}
