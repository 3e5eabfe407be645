package dev.conveyor.server.conditions;

import dev.conveyor.artifacts.ObjectArtifactStore;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.engine.rules.RuleProvider;
import dev.conveyor.engine.rules.RuleRun;
import dev.conveyor.providers.commands.ShellProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The Commands rule: runs the rule's commands in order with {@code sh -e} on this server, in a workspace holding its
 * input artifacts (the first in the working directory, as the Commands action does, with the same
 * CODEBUILD_SRC_DIR variables); it succeeds when every command exits 0 and fails naming the last output otherwise.
 * Unlike the Commands action it runs in the server's process tree, not on an agent (see docs/conditions-and-rollback.md).
 */
final class CommandsRule implements RuleProvider {
    private static final int TAIL_LINES = 20;
    private final ObjectArtifactStore artifacts;
    private final Path workspaces;

    CommandsRule(ObjectArtifactStore artifacts, Path workspaces) {
        this.artifacts = artifacts;
        this.workspaces = workspaces;
    }

    @Override
    public String provider() {
        return "Commands";
    }

    @Override
    public Duration defaultTimeout() {
        return Duration.ofMinutes(55);
    }

    @Override
    public RuleOutcome evaluate(RuleRun run) throws InterruptedException {
        if (run.commands().isEmpty()) {
            return RuleOutcome.configurationError("The Commands rule has no commands");
        }
        Path workspace = workspaces.resolve(run.ruleExecutionId());
        try {
            Path source = workspace.resolve("src");
            Files.createDirectories(source);
            Map<String, String> env = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, S3Location> input : run.inputArtifacts().entrySet()) {
                Path zip = workspace.resolve("input-" + i + ".zip");
                artifacts.copyArtifact(input.getValue(), zip);
                Path dir = i == 0 ? source : workspace.resolve("src-" + input.getKey());
                ZipArchives.unzip(zip, dir);
                Files.delete(zip);
                env.put("CODEBUILD_SRC_DIR_" + input.getKey(), dir.toString());
                i++;
            }
            env.put("CODEBUILD_SRC_DIR", source.toString());
            env.put("CODEPIPELINE_EXECUTION_ID", run.pipelineExecutionId());
            env.put("CODEPIPELINE_PIPELINE_NAME", run.pipelineName());
            Path script = workspace.resolve("rule.sh");
            Files.writeString(script, "set -e\n" + String.join("\n", run.commands()) + "\n", StandardCharsets.UTF_8);
            Deque<String> tail = new ConcurrentLinkedDeque<>();
            ShellProcess.Result result = ShellProcess.run(List.of("sh", script.toString()), source, env, Duration.ofMinutes(55),
                    line -> {
                        tail.addLast(line);
                        while (tail.size() > TAIL_LINES) {
                            tail.pollFirst();
                        }
                    }, pid -> { });
            if (result.timedOut()) {
                return RuleOutcome.failed("The commands did not finish within 55 minutes and were stopped");
            }
            if (result.exitCode() != 0) {
                List<String> lines = new ArrayList<>(tail);
                return RuleOutcome.failed("The commands failed with exit code " + result.exitCode()
                        + (lines.isEmpty() ? "" : "; last output: " + String.join(" | ", lines)));
            }
            return RuleOutcome.succeeded("Ran " + run.commands().size() + " commands");
        } catch (IOException | RuntimeException e) {
            return RuleOutcome.failed("The commands could not run: " + e.getMessage());
        } finally {
            deleteQuietly(workspace);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover workspace is removed with the data directory's other workspaces
        }
    }
}
