package dev.conveyor.engine.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after an agent that died (kill -9, power loss): its workspaces may still hold plaintext inputs, and the
 * process groups its actions started may still be running. Each workspace records the process groups started in
 * it, in a file beside the workspace ({@code <workspace>.process-groups}), not in it: a job may write its workspace,
 * and must not be able to name a group for the next agent to kill. A starting agent kills those groups and deletes
 * the workspaces before any job is offered again.
 */
final class WorkspaceJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceJanitor.class);
    static final String PROCESS_GROUPS = ".process-groups";

    static Path processGroupsOf(Path workspace) {
        return workspace.resolveSibling(workspace.getFileName() + PROCESS_GROUPS);
    }

    private WorkspaceJanitor() {
    }

    static void recordProcessGroup(Path workspace, long pgid) {
        try {
            Files.writeString(processGroupsOf(workspace), pgid + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record process group in " + workspace, e);
        }
    }

    /** Kills leftover process groups and deletes every workspace under {@code workspacesDir}. */
    static void cleanLeftovers(Path workspacesDir) {
        if (!Files.isDirectory(workspacesDir)) {
            return;
        }
        try (Stream<Path> workspaces = Files.list(workspacesDir)) {
            for (Path workspace : workspaces.filter(Files::isDirectory).toList()) {
                Path groups = processGroupsOf(workspace);
                if (Files.exists(groups)) {
                    for (String line : Files.readAllLines(groups, StandardCharsets.UTF_8)) {
                        if (line.strip().matches("\\d+")) {
                            killGroup(line.strip());
                        }
                    }
                }
                LOG.info("deleting workspace {} left by a previous agent", workspace.getFileName());
                Agent.deleteTree(workspace);
                Files.deleteIfExists(groups);
            }
        } catch (IOException e) {
            LOG.warn("could not clean leftover workspaces in {}: {}", workspacesDir, e.toString());
        }
    }

    private static void killGroup(String pgid) {
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                LOG.warn("killed process group {} left running by a previous agent", pgid);
            }
        } catch (IOException e) {
            LOG.warn("could not kill process group {}: {}", pgid, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
