package dev.conveyor.providers.codebuild;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A container engine on this host (docker, else podman) that answers {@code info}: builds of projects that name an
 * image run in one container per build, started before INSTALL and removed after the build, with the workspace
 * mounted at the same path so scripts and files are where the host expects them. Only used when an engine is
 * present and working; otherwise builds run on the host.
 */
public final class ContainerEngine {
    private final String binary;

    private ContainerEngine(String binary) {
        this.binary = binary;
    }

    /** The first of docker and podman whose daemon answers within five seconds, if any. */
    public static Optional<ContainerEngine> detect() {
        for (String candidate : List.of("docker", "podman")) {
            try {
                Process p = new ProcessBuilder(candidate, "info", "--format", "{{.ServerVersion}}")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(new ContainerEngine(candidate));
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Detection that is repeated at most once a minute: a daemon started (or stopped) after the agent is noticed,
     * without asking it before every build.
     */
    public static java.util.function.Supplier<Optional<ContainerEngine>> cachedDetection() {
        return new java.util.function.Supplier<>() {
            private Optional<ContainerEngine> last = Optional.empty();
            private long checkedAt = Long.MIN_VALUE;

            @Override
            public synchronized Optional<ContainerEngine> get() {
                long now = System.nanoTime();
                if (checkedAt == Long.MIN_VALUE || now - checkedAt > 60_000_000_000L) {
                    last = detect();
                    checkedAt = now;
                }
                return last;
            }
        };
    }

    public String binary() {
        return binary;
    }

    /** A running build container: commands are executed in it, and it is removed when closed. */
    final class Session implements AutoCloseable {
        private final String name;
        private final Path workspace;

        private Session(String name, Path workspace) {
            this.name = name;
            this.workspace = workspace;
        }

        /** The command that runs {@code script} in the container, in {@code workingDir}, with these variables. */
        List<String> exec(Path script, Path workingDir, Set<String> variableNames) {
            List<String> command = new ArrayList<>(List.of(binary, "exec", "-w", workingDir.toString()));
            for (String name : variableNames) {
                command.add("-e");
                command.add(name); // the value comes from the client's own environment, never the command line
            }
            command.addAll(List.of(name, "bash", script.toString()));
            return command;
        }

        /**
         * Gives the workspace back to the agent's user, then removes the container whatever it is doing; also when
         * the build was interrupted (stopped), which is exactly when it must go.
         */
        @Override
        public void close() {
            boolean interrupted = Thread.interrupted();
            try {
                String owner = owner();
                if (owner != null) {
                    run(List.of(binary, "exec", name, "chown", "-R", owner, workspace.toString()), null);
                }
                run(List.of(binary, "rm", "-f", name), null);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Starts a container of {@code image} (pulled if needed) that idles until commands are executed in it. */
    Session start(String image, String name, Path workspace, boolean privileged, BuildLog log) throws BuildFailure {
        List<String> command = new ArrayList<>(List.of(binary, "run", "-d", "--name", name, "--label", "conveyor.build=" + name,
                "-v", workspace + ":" + workspace, "--entrypoint", "sleep"));
        if (privileged) {
            command.add("--privileged");
        }
        command.addAll(List.of(image, "infinity"));
        log.note("Starting " + image + " with " + binary);
        if (!run(command, log)) {
            throw new BuildFailure("CLIENT_ERROR", "cannot start a container of image " + image + " with " + binary);
        }
        Session session = new Session(name, workspace);
        // If this agent dies, its job runs again elsewhere: the container must not live on beside it.
        try {
            new ProcessBuilder("setsid", "bash", "-c", "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null && " + binary
                    + " inspect " + name + " >/dev/null 2>&1; do sleep 2; done; " + binary + " rm -f " + name + " >/dev/null 2>&1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            log.note("warning: no watchdog for the container (" + e.getMessage() + ")");
        }
        if (!run(List.of(binary, "exec", name, "bash", "-c", "true"), log)) {
            session.close();
            throw new BuildFailure("CLIENT_ERROR", "image " + image + " has no bash, which buildspec commands run in");
        }
        return session;
    }

    private static boolean run(List<String> command, BuildLog log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            boolean ok = p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0;
            if (!ok && log != null && !output.isEmpty()) {
                output.lines().limit(20).forEach(l -> log.note("" + l));
            }
            return ok;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code uid:gid} of this process, or null when the platform does not say. */
    private static String owner() {
        try {
            Path self = Path.of("/proc/self");
            return java.nio.file.Files.getAttribute(self, "unix:uid") + ":" + java.nio.file.Files.getAttribute(self, "unix:gid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
