package dev.conveyor.agent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Runs lifecycle events on this host as the CodeDeploy agent does, under {@code <root>/deployment-root}:
 * <ul>
 *   <li>{@code <group id>/<deployment id>/deployment-archive}: the unpacked revision; {@code …/logs/scripts.log} every
 *       script's output, {@code …/logs/<event>.log} each event's;</li>
 *   <li>{@code deployment-instructions/<group id>-cleanup}: the files the last Install copied, removed before the next
 *       Install copies its own; {@code <group id>_last_successful_install}: the archive of the last revision that passed
 *       ValidateService, whose hooks ApplicationStop (and in-place BeforeBlockTraffic/AfterBlockTraffic) run.</li>
 * </ul>
 */
final class LifecycleRunner {
    private static final int LOG_TAIL = 2048;
    private final Path root;
    private final DeployApiClient api;
    private final Map<String, String> hookEnvironment;

    /** What a command needs to know about its deployment. */
    record Spec(String deploymentId, String applicationName, String groupName, String groupId, String creator, JsonNode revision,
                String fileExistsBehavior, boolean ignoreApplicationStopFailures, String bundlePath) {
        static Spec of(JsonNode command) {
            JsonNode s = command.path("DeploymentSpecification");
            return new Spec(s.path("DeploymentId").asText(), s.path("ApplicationName").asText(), s.path("DeploymentGroupName").asText(),
                    s.path("DeploymentGroupId").asText(), s.path("DeploymentCreator").asText(), s.path("Revision"),
                    s.path("FileExistsBehavior").asText("DISALLOW"), s.path("IgnoreApplicationStopFailures").asBoolean(false),
                    command.path("BundlePath").asText());
        }
    }

    LifecycleRunner(Path root, DeployApiClient api) {
        this(root, api, Map.of());
    }

    /** @param hookEnvironment variables every hook gets besides the agent's own environment and CodeDeploy's */
    LifecycleRunner(Path root, DeployApiClient api, Map<String, String> hookEnvironment) {
        this.root = root.resolve("deployment-root");
        this.api = api;
        this.hookEnvironment = Map.copyOf(hookEnvironment);
    }

    private Path deploymentDir(Spec spec) {
        return root.resolve(spec.groupId()).resolve(spec.deploymentId());
    }

    private Path archive(Spec spec) {
        return deploymentDir(spec).resolve("deployment-archive");
    }

    private Path instructions() throws IOException {
        return Files.createDirectories(root.resolve("deployment-instructions"));
    }

    Path eventLog(Spec spec, String event) throws IOException {
        return Files.createDirectories(deploymentDir(spec).resolve("logs")).resolve(event + ".log");
    }

    /** The archive of the last revision installed and validated for the group here, or null. */
    private Path lastSuccessful(Spec spec) throws IOException {
        Path marker = instructions().resolve(spec.groupId() + "_last_successful_install");
        if (!Files.exists(marker)) {
            return null;
        }
        Path archive = Path.of(Files.readString(marker).strip());
        return Files.isDirectory(archive) ? archive : null;
    }

    /** Runs one event; returns a message for the event's diagnostics. */
    String run(Spec spec, String event) throws HookFailure, IOException, InterruptedException {
        Path log = eventLog(spec, event);
        Files.writeString(log, "[" + Instant.now() + "] " + event + " of deployment " + spec.deploymentId() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        switch (event) {
            case "DownloadBundle" -> {
                download(spec, log);
                return "Bundle downloaded, verified and unpacked";
            }
            case "Install" -> {
                return install(spec, log);
            }
            case "ApplicationStop" -> {
                Path previous = lastSuccessful(spec);
                if (previous == null) {
                    return "No earlier revision is installed here: no ApplicationStop hooks to run";
                }
                try {
                    return runHooks(spec, event, previous, log);
                } catch (HookFailure e) {
                    if (spec.ignoreApplicationStopFailures()) {
                        append(log, "ApplicationStop failed and ignoreApplicationStopFailures is set: " + e.getMessage() + "\n");
                        return "ApplicationStop failed (ignored: ignoreApplicationStopFailures): " + e.getMessage();
                    }
                    throw e;
                }
            }
            default -> {
                Path current = archive(spec);
                boolean before = List.of("BeforeBlockTraffic", "AfterBlockTraffic").contains(event) || !Files.isDirectory(current);
                Path from = before ? lastSuccessful(spec) : current;
                if (from == null) {
                    return "No revision is installed here: no " + event + " hooks to run";
                }
                String message = runHooks(spec, event, from, log);
                if ("ValidateService".equals(event)) {
                    Files.writeString(instructions().resolve(spec.groupId() + "_last_successful_install"), current.toString());
                }
                return message;
            }
        }
    }

    private void download(Spec spec, Path log) throws HookFailure, IOException, InterruptedException {
        JsonNode s3 = spec.revision().path("s3Location");
        String bundleType = s3.path("bundleType").asText("zip");
        Path dir = Files.createDirectories(deploymentDir(spec));
        Path bundle = dir.resolve("bundle." + bundleType);
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new java.security.DigestInputStream(api.download(spec.bundlePath()), md5)) {
            Files.copy(in, bundle, StandardCopyOption.REPLACE_EXISTING);
        }
        String eTag = s3.path("eTag").asText("");
        String actual = HexFormat.of().formatHex(md5.digest());
        if (!eTag.isEmpty() && !eTag.contains("-") && !eTag.equalsIgnoreCase(actual)) {
            throw new HookFailure("UnknownError", null, "The bundle's MD5 " + actual + " does not match the revision's eTag " + eTag
                    + ": the download is corrupt or the object changed");
        }
        append(log, "downloaded s3://" + s3.path("bucket").asText() + "/" + s3.path("key").asText() + " (" + Files.size(bundle)
                + " bytes, MD5 " + actual + (eTag.isEmpty() ? ", no eTag to check" : ", matches the eTag") + ")\n");
        Path archive = archive(spec);
        deleteTree(archive);
        Files.createDirectories(archive);
        if ("zip".equals(bundleType)) {
            unzip(bundle, archive);
        } else {
            Process tar = new ProcessBuilder("tar", "tgz".equals(bundleType) ? "-xzf" : "-xf", bundle.toString(), "-C", archive.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (tar.waitFor() != 0) {
                throw new HookFailure("UnknownError", null, "The " + bundleType + " bundle could not be unpacked (tar exited with " + tar.exitValue() + ")");
            }
        }
        appSpec(archive);
    }

    static AppSpec appSpec(Path archive) throws HookFailure, IOException {
        Path file = archive.resolve("appspec.yml");
        if (!Files.exists(file)) {
            file = archive.resolve("appspec.yaml");
        }
        if (!Files.exists(file)) {
            throw new HookFailure("UnknownError", null, "The revision has no appspec.yml at its root");
        }
        try {
            return AppSpec.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (AppSpec.InvalidAppSpecException e) {
            throw new HookFailure("UnknownError", "appspec.yml", e.getMessage());
        }
    }

    private static void unzip(Path zip, Path into) throws IOException, HookFailure {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new HookFailure("UnknownError", null, "The bundle's entry " + entry.getName() + " points outside the archive");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new HookFailure("UnknownError", null, "The bundle is not a valid zip archive: " + e.getMessage());
        }
    }

    /** Removes the previous install's files, copies this revision's, records them, applies permissions. */
    private String install(Spec spec, Path log) throws HookFailure, IOException {
        Path archive = archive(spec);
        AppSpec appSpec = appSpec(archive);
        Path cleanup = instructions().resolve(spec.groupId() + "-cleanup");
        Set<Path> previous = new LinkedHashSet<>();
        if (Files.exists(cleanup)) {
            for (String line : Files.readAllLines(cleanup)) {
                if (!line.isBlank()) {
                    previous.add(Path.of(line));
                }
            }
            List<Path> reversed = new ArrayList<>(previous);
            java.util.Collections.reverse(reversed); // files before the directories holding them
            for (Path p : reversed) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> s = Files.list(p)) {
                        if (s.findAny().isEmpty()) {
                            Files.delete(p);
                        }
                    }
                } else {
                    Files.deleteIfExists(p);
                }
            }
            append(log, "removed " + previous.size() + " files of the previous install\n");
        }
        List<String> installed = new ArrayList<>();
        int copied = 0;
        for (AppSpec.FileMapping mapping : appSpec.files()) {
            String source = mapping.source().replaceFirst("^/+", "");
            Path from = source.isEmpty() ? archive : archive.resolve(source).normalize();
            if (!from.startsWith(archive) || !Files.exists(from)) {
                throw new HookFailure("UnknownError", "appspec.yml", "files: the source " + mapping.source() + " is not in the revision");
            }
            Path destination = Path.of(mapping.destination());
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(from)) {
                sources = walk.toList();
            }
            for (Path f : sources) {
                if (f.equals(archive.resolve("appspec.yml")) && source.isEmpty()) {
                    continue;
                }
                Path rel = Files.isDirectory(from) ? from.relativize(f) : from.getFileName();
                Path to = Files.isDirectory(from) ? destination.resolve(rel.toString()) : destination.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    if (!Files.exists(to)) {
                        Files.createDirectories(to);
                        installed.add(to.toString());
                    }
                    continue;
                }
                Files.createDirectories(to.getParent());
                if (Files.exists(to)) {
                    switch (spec.fileExistsBehavior()) {
                        case "OVERWRITE" -> Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                        case "RETAIN" -> {
                            append(log, "kept existing " + to + " (RETAIN)\n");
                            continue;
                        }
                        default -> throw new HookFailure("UnknownError", null, "The deployment failed because a specified file already "
                                + "exists at this location: " + to + " (fileExistsBehavior DISALLOW)");
                    }
                } else {
                    Files.copy(f, to);
                }
                installed.add(to.toString());
                copied++;
            }
        }
        Files.write(cleanup, installed);
        for (AppSpec.Permission permission : appSpec.permissions()) {
            apply(permission, log);
        }
        append(log, "installed " + copied + " files\n");
        return "Installed " + copied + " files";
    }

    private static void apply(AppSpec.Permission p, Path log) throws IOException, HookFailure {
        Path object = Path.of(p.object());
        if (!Files.exists(object)) {
            throw new HookFailure("UnknownError", "appspec.yml", "permissions: the object " + p.object() + " does not exist");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + ("**".equals(p.pattern()) ? "*" : p.pattern()));
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(object)) {
            paths = walk.toList();
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        for (Path path : paths) {
            boolean directory = Files.isDirectory(path);
            if (!p.type().isEmpty() && !p.type().contains(directory ? "directory" : "file")) {
                continue;
            }
            if (!"**".equals(p.pattern()) && !matcher.matches(path.getFileName())) {
                continue;
            }
            if (p.except().stream().anyMatch(e -> path.toString().equals(e) || path.getFileName().toString().equals(e))) {
                continue;
            }
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (p.mode() != null) {
                view.setPermissions(mode(p.mode()));
            }
            try {
                if (p.owner() != null) {
                    UserPrincipal owner = lookup.lookupPrincipalByName(p.owner());
                    view.setOwner(owner);
                }
                if (p.group() != null) {
                    GroupPrincipal group = lookup.lookupPrincipalByGroupName(p.group());
                    view.setGroup(group);
                }
            } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                throw new HookFailure("UnknownError", "appspec.yml", "permissions: no user or group " + e.getName());
            }
        }
        append(log, "applied permissions to " + p.object() + "\n");
    }

    static Set<PosixFilePermission> mode(String octal) {
        int bits = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    /** Runs an event's hooks from the revision unpacked at {@code archive}, in order; the first failure ends the event. */
    private String runHooks(Spec spec, String event, Path archive, Path log) throws HookFailure, IOException, InterruptedException {
        AppSpec appSpec = appSpec(archive);
        List<AppSpec.Hook> hooks = appSpec.hooks().getOrDefault(event, List.of());
        if (hooks.isEmpty()) {
            return "No " + event + " hooks in appspec.yml";
        }
        Path scriptsLog = eventLog(spec, "scripts").resolveSibling("scripts.log");
        for (AppSpec.Hook hook : hooks) {
            Path script = archive.resolve(hook.location().replaceFirst("^/+", "")).normalize();
            if (!script.startsWith(archive) || !Files.isRegularFile(script)) {
                throw new HookFailure("ScriptMissing", hook.location(), "Script does not exist at specified location: " + hook.location());
            }
            if (!Files.isExecutable(script)) {
                // Zip bundles made without Unix modes lose the execute bit: hooks are scripts to run, so they get it back.
                script.toFile().setExecutable(true, false);
            }
            List<String> command = new ArrayList<>();
            if (hook.runas() != null && !hook.runas().equals(System.getProperty("user.name"))) {
                if (!"root".equals(System.getProperty("user.name"))) {
                    throw new HookFailure("ScriptFailed", hook.location(), "runas " + hook.runas() + " needs the agent to run as root");
                }
                command.addAll(List.of("runuser", "-u", hook.runas(), "--"));
            }
            command.add(script.toString());
            append(log, "[" + Instant.now() + "] running " + hook.location() + (hook.runas() == null ? "" : " as " + hook.runas()) + "\n");
            ProcessBuilder builder = new ProcessBuilder(command).directory(archive.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.putAll(hookEnvironment);
            env.put("LIFECYCLE_EVENT", event);
            env.put("DEPLOYMENT_ID", spec.deploymentId());
            env.put("APPLICATION_NAME", spec.applicationName());
            env.put("DEPLOYMENT_GROUP_NAME", spec.groupName());
            env.put("DEPLOYMENT_GROUP_ID", spec.groupId());
            Process process = builder.start();
            if (!process.waitFor(hook.timeoutSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                append(log, "[" + Instant.now() + "] " + hook.location() + " timed out after " + hook.timeoutSeconds() + " s\n");
                copyTo(log, scriptsLog, event);
                throw new HookFailure("ScriptTimedOut", hook.location(), "Script at specified location: " + hook.location()
                        + " failed to complete in " + hook.timeoutSeconds() + " seconds");
            }
            if (process.exitValue() != 0) {
                String said = lastLine(log);
                append(log, "[" + Instant.now() + "] " + hook.location() + " exited with " + process.exitValue() + "\n");
                copyTo(log, scriptsLog, event);
                throw new HookFailure("ScriptFailed", hook.location(), "Script at specified location: " + hook.location()
                        + " failed with exit code " + process.exitValue() + (said.isEmpty() ? "" : ": " + said));
            }
        }
        copyTo(log, scriptsLog, event);
        return "Ran " + hooks.size() + " " + event + " hook(s)";
    }

    private static void copyTo(Path eventLog, Path scriptsLog, String event) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(eventLog, StandardCharsets.UTF_8)) {
            out.append(Instant.now()).append(" [").append(event).append("] ").append(line).append('\n');
        }
        Files.writeString(scriptsLog, out, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The script's last line of output (what it said before failing), at most 300 characters. */
    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("[")) {
                return line.length() > 300 ? line.substring(0, 300) + "…" : line;
            }
        }
        return "";
    }

    static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The last {@value #LOG_TAIL} bytes of an event's log. */
    static String tail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - LOG_TAIL);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
