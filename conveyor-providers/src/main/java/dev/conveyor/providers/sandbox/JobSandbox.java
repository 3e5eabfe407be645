package dev.conveyor.providers.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's commands run (Commands actions, CodeBuild builds, later deploy hooks), so that they cannot reach the
 * server's or the agent's secrets: the one place the embedded agent, {@code conveyor agent} and the server's own
 * StartBuild builds start a job's processes through.
 *
 * <ul>
 *   <li><b>A clean environment</b>, always: what the action declares (and CodeBuild's variables, the job's role
 *       credentials) plus {@code PATH}, {@code LANG}, {@code HOME} (private, in the workspace), {@code USER} and
 *       {@code TMPDIR}; never the agent's own variables ({@code AWS_*}, {@code PGPASSWORD}, {@code CONVEYOR_*}…).</li>
 *   <li><b>An unprivileged user</b> when the agent runs as root: {@code conveyor-build} if that user exists, else
 *       {@code nobody}; the workspace is handed to that user before each run (without following links).</li>
 *   <li><b>bubblewrap</b> ({@code bwrap}) when it is installed and works here: the job sees its workspace read-write,
 *       {@code /usr} (and the {@code /bin}, {@code /lib}… links into it) and selected files of {@code /etc} read-only,
 *       a private {@code /tmp}, {@code /proc} of its own process namespace, and nothing else: no data directory, no other
 *       workspace, no home directory. Without it the job still gets the two protections above, and the agent says so
 *       once in its log.</li>
 * </ul>
 *
 * A job's processes form one process group (the caller's {@code setsid}); a watchdog outside the sandbox, running as
 * the agent's user, kills that group if the agent process dies.
 */
public final class JobSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(JobSandbox.class);
    /** The user jobs run as when the agent is root, if it exists (else {@code nobody}). */
    public static final String BUILD_USER = "conveyor-build";
    /** The files of /etc a sandboxed job sees: users and groups, name resolution, TLS roots, the dynamic linker, locale. */
    static final List<String> ETC = List.of("passwd", "group", "nsswitch.conf", "hosts", "host.conf", "resolv.conf", "gai.conf",
            "services", "protocols", "ssl", "ca-certificates", "ca-certificates.conf", "pki", "crypto-policies", "alternatives",
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mime.types", "bash.bashrc", "profile", "inputrc",
            "os-release", "debian_version", "gitconfig", "java-17-openjdk", "java-21-openjdk", "java-25-openjdk", "environment");
    /** System directories a sandboxed job sees read-only (or as the links to /usr they are on merged-/usr systems). */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** How a job is isolated on this host. */
    public enum Isolation {
        /** bubblewrap: its own mount, process, IPC and host name namespaces. */
        BUBBLEWRAP,
        /** no bubblewrap: a clean environment (and another user when the agent is root). */
        ENVIRONMENT
    }

    /** The user jobs run as: its name, uid and gid. */
    public record BuildUser(String name, int uid, int gid) {
    }

    private final Isolation isolation;
    private final BuildUser user;
    private final List<Path> writablePaths;
    private final Map<String, String> hostEnvironment;

    JobSandbox(Isolation isolation, BuildUser user, List<Path> writablePaths, Map<String, String> hostEnvironment) {
        this.isolation = isolation;
        this.user = user;
        this.writablePaths = List.copyOf(writablePaths);
        this.hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /**
     * The sandbox this host allows: bubblewrap if it works, a build user if this process is root. Probes once; says
     * what it chose (and why not bubblewrap) in the log.
     *
     * @param writablePaths host directories every job may also write (e.g. a deployment target); never the data dir
     */
    public static JobSandbox detect(List<Path> writablePaths) {
        BuildUser user = runningAsRoot() ? buildUser().orElse(null) : null;
        if (runningAsRoot() && user == null) {
            LOG.warn("jobs run as root: neither user {} nor nobody exists", BUILD_USER);
        }
        JobSandbox bubblewrap = new JobSandbox(Isolation.BUBBLEWRAP, user, writablePaths, System.getenv());
        Optional<String> refusal = bubblewrap.probe();
        if (refusal.isEmpty()) {
            LOG.info("jobs run in a bubblewrap sandbox{} that sees only their workspace", user == null ? "" : " as user " + user.name());
            return bubblewrap;
        }
        LOG.warn("jobs run without a sandbox ({}): they get a clean environment{}, but can see the host's files their user may read; "
                + "install bubblewrap (apt-get install bubblewrap) to confine them", refusal.get(),
                user == null ? "" : " and run as user " + user.name());
        return new JobSandbox(Isolation.ENVIRONMENT, user, writablePaths, System.getenv());
    }

    /** A clean environment only, as this process's user: for tools and tests that run jobs without an agent. */
    public static JobSandbox environmentOnly() {
        return new JobSandbox(Isolation.ENVIRONMENT, null, List.of(), System.getenv());
    }

    public Isolation isolation() {
        return isolation;
    }

    /** The user jobs run as, or empty when they run as this process's user. */
    public Optional<BuildUser> user() {
        return Optional.ofNullable(user);
    }

    /** The private home directory of a job: in its workspace. */
    public static Path home(Path workspace) {
        return workspace.resolve(".home");
    }

    /**
     * The whole environment of a job's process: the basics, then what the job declares (which may override
     * {@code LANG} or {@code PATH}, not {@code HOME}).
     */
    public Map<String, String> environment(Map<String, String> declared, Path workspace) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", hostEnvironment.getOrDefault("PATH", DEFAULT_PATH));
        env.put("LANG", hostEnvironment.getOrDefault("LANG", "C.UTF-8"));
        if (hostEnvironment.containsKey("TZ")) {
            env.put("TZ", hostEnvironment.get("TZ"));
        }
        String userName = user != null ? user.name() : hostEnvironment.getOrDefault("USER", System.getProperty("user.name"));
        env.put("USER", userName);
        env.put("LOGNAME", userName);
        env.put("SHELL", "/bin/bash");
        env.putAll(declared);
        env.put("HOME", home(workspace).toString());
        env.put("TMPDIR", isolation == Isolation.BUBBLEWRAP ? "/tmp" : workspace.resolve(".tmp").toString());
        return env;
    }

    /**
     * Makes {@code workspace} ready for a run: the private home and temporary directories exist, and with a build user
     * everything in it is that user's (links are changed themselves, never followed).
     */
    public void prepare(Path workspace) {
        try {
            Files.createDirectories(home(workspace));
            Files.createDirectories(workspace.resolve(".tmp"));
            if (user == null) {
                return;
            }
            try (Stream<Path> paths = Files.walk(workspace)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
                }
            }
            if (isolation == Isolation.ENVIRONMENT) {
                // Without bubblewrap the build user reaches its workspace through its parents: let it pass them (x for
                // others), not list them.
                for (Path dir = workspace.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                    var permissions = Files.getPosixFilePermissions(dir);
                    if (permissions.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                        Files.setPosixFilePermissions(dir, permissions);
                    }
                }
            }
            for (Path path : writablePaths) {
                Files.createDirectories(path);
                Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the workspace for the build user", e);
        }
    }

    /**
     * The command line that runs {@code command} in this sandbox, in {@code workingDir} of {@code workspace}: a watchdog
     * (as this process's user) that kills the process group if this process dies, then bubblewrap, then (inside it)
     * the switch to the build user. The caller runs it under {@code setsid} with {@link #environment}.
     */
    public List<String> command(List<String> command, Path workspace, Path workingDir) {
        List<Path> binds = new ArrayList<>();
        binds.add(workspace.toAbsolutePath());
        writablePaths.forEach(p -> binds.add(p.toAbsolutePath()));
        long self = ProcessHandle.current().pid();
        String watchdog = "( while kill -0 " + self + " && kill -0 $$; do sleep 1; done; kill -0 " + self + " || kill -KILL -- -$$ ) "
                + ">/dev/null 2>&1 </dev/null &\nexec \"$@\"\n";
        List<String> full = new ArrayList<>(List.of("bash", "-c", watchdog, "conveyor-job"));
        if (isolation == Isolation.BUBBLEWRAP) {
            // As root, bubblewrap sets the sandbox up with this process's rights (it reaches the workspace through a data
            // directory only its owner may enter) and the user switch happens inside; otherwise it runs as this user.
            full.addAll(bubblewrap(binds, workingDir));
        }
        if (user != null) {
            full.addAll(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups", "--inh-caps=-all",
                    "--bounding-set=-all", "--no-new-privs"));
        }
        full.addAll(command);
        return full;
    }

    private List<String> bubblewrap(List<Path> binds, Path workingDir) {
        List<String> args = new ArrayList<>(List.of("bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", "conveyor-job"));
        for (String dir : SYSTEM) {
            Path path = Path.of(dir);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } catch (IOException e) {
                    // unreadable link: left out
                }
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        args.addAll(List.of("--dir", "/etc"));
        for (String name : ETC) {
            Path path = Path.of("/etc", name);
            if (Files.exists(path)) {
                try {
                    args.addAll(List.of("--ro-bind", path.toRealPath().toString(), path.toString()));
                } catch (IOException e) {
                    // a dangling link: left out
                }
            }
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"));
        // The directories leading to a bound one are made in the sandbox, empty and traversable (bubblewrap would
        // make them its user's only, and the build user could not reach its own workspace by its path).
        java.util.Set<Path> made = new java.util.HashSet<>(List.of(Path.of("/"), Path.of("/tmp"), Path.of("/proc"), Path.of("/dev"),
                Path.of("/etc")));
        for (Path bind : binds) {
            List<Path> parents = new ArrayList<>();
            for (Path parent = bind.getParent(); parent != null && !made.contains(parent); parent = parent.getParent()) {
                parents.addFirst(parent);
            }
            for (Path parent : parents) {
                args.addAll(List.of("--perms", "0755", "--dir", parent.toString()));
                made.add(parent);
            }
            args.addAll(List.of("--bind", bind.toString(), bind.toString()));
            made.add(bind);
        }
        args.addAll(List.of("--chdir", workingDir.toAbsolutePath().toString(), "--"));
        return args;
    }

    /** Runs {@code true} in this sandbox: empty when it works, else what went wrong. */
    Optional<String> probe() {
        Path workspace = null;
        try {
            workspace = Files.createTempDirectory("conveyor-sandbox-probe-");
            prepare(workspace);
            List<String> command = command(List.of("/bin/sh", "-c", "test -d \"$HOME\" && touch \"$HOME/probe\""), workspace, workspace);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(environment(Map.of(), workspace));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of("bwrap did not finish its probe");
            }
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of("bwrap does not work here: " + (output.isEmpty() ? "exit status " + process.exitValue() : output));
        } catch (IOException e) {
            return Optional.of("bwrap is not installed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } finally {
            if (workspace != null) {
                deleteTree(workspace);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code conveyor-build} if it exists, else {@code nobody}, as /etc/passwd names them. */
    static Optional<BuildUser> buildUser() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8);
            for (String wanted : List.of(BUILD_USER, "nobody")) {
                for (String line : lines) {
                    String[] f = line.split(":", -1);
                    if (f.length >= 4 && f[0].equals(wanted)) {
                        return Optional.of(new BuildUser(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read /etc/passwd: {}", e.toString());
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "JobSandbox[" + isolation + (user == null ? "" : ", user " + user.name()) + "]";
    }
}
