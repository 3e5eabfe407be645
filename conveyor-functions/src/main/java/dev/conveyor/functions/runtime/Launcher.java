package dev.conveyor.functions.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The command an instance of each supported runtime is started with, in its task root:
 * <ul>
 *   <li>{@code provided}, {@code provided.al2}, {@code provided.al2023}: the zip's executable {@code bootstrap};</li>
 *   <li>{@code python3.x}: Conveyor's bootstrap (standard library only) under the host's {@code python3};</li>
 *   <li>{@code java17}, {@code java21}: a JVM (the server's) with the official runtime interface client and the function's
 *       classes and {@code lib/*.jar} on the class path, as the managed runtime does;</li>
 *   <li>{@code nodejs18.x}, {@code nodejs20.x}, {@code nodejs22.x}: the official {@code aws-lambda-ric} when the zip
 *       carries it in {@code node_modules} or it is installed under the runtime directory, else Conveyor's Node
 *       bootstrap (Node's standard library only).</li>
 * </ul>
 * Memory is a limit where the OS allows: the address space ({@code prlimit --as}) for bootstrap and Python processes,
 * the heap for JVMs ({@code -Xmx}) and Node ({@code --max-old-space-size}), whose reserved address space is far larger
 * than what they use.
 */
public final class Launcher {
    public static final Set<String> RUNTIMES = Set.of("provided", "provided.al2", "provided.al2023", "python3.9", "python3.10",
            "python3.11", "python3.12", "python3.13", "java17", "java21", "nodejs18.x", "nodejs20.x", "nodejs22.x");
    /** Runtimes without a handler of their own: the bootstrap reads {@code _HANDLER} if it wants to. */
    public static final Set<String> HANDLER_OPTIONAL = Set.of("provided", "provided.al2", "provided.al2023");

    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** One class of each jar the Java runtime interface client needs (itself, aws-lambda-java-core, its serialization, utils-lite). */
    private static final List<String> RIC_CLASSES = List.of(RIC_MAIN, "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer", "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private final Path runtimeDir;
    private final boolean prlimitAvailable;

    /** Puts Conveyor's bootstraps under {@code runtimeDir} (the instances' {@code LAMBDA_RUNTIME_DIR}). */
    public Launcher(Path runtimeDir) {
        this.runtimeDir = runtimeDir;
        try {
            Files.createDirectories(runtimeDir);
            copyResource("python_bootstrap.py");
            copyResource("node_bootstrap.js");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the runtime bootstraps to " + runtimeDir, e);
        }
        prlimitAvailable = Files.isExecutable(Path.of("/usr/bin/prlimit"));
    }

    Path runtimeDir() {
        return runtimeDir;
    }

    /** The command line of an instance of {@code spec}. */
    List<String> command(FunctionSpec spec) {
        String runtime = spec.runtime();
        Path task = spec.taskRoot();
        List<String> command = new ArrayList<>();
        if (runtime.startsWith("provided")) {
            addressSpaceLimit(command, spec);
            command.add(task.resolve("bootstrap").toString());
        } else if (runtime.startsWith("python")) {
            addressSpaceLimit(command, spec);
            command.addAll(List.of("python3", "-u", runtimeDir.resolve("python_bootstrap.py").toString()));
        } else if (runtime.startsWith("java")) {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + Math.max(64, spec.memorySize() * 85 / 100) + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Xshare:auto", "-cp", javaClassPath(task), RIC_MAIN, spec.handler()));
        } else if (runtime.startsWith("nodejs")) {
            command.addAll(List.of("node", "--max-old-space-size=" + Math.max(32, spec.memorySize() * 85 / 100)));
            command.add(nodeRuntimeClient(task).map(Path::toString).orElse(runtimeDir.resolve("node_bootstrap.js").toString()));
            command.add(spec.handler());
        } else {
            throw new IllegalArgumentException("unsupported runtime " + runtime);
        }
        return command;
    }

    /**
     * The official {@code aws-lambda-ric} to start a Node.js function with: the zip's own, else one installed for every
     * function with {@code npm install aws-lambda-ric --prefix <data>/functions/runtime}; none means Conveyor's bootstrap.
     */
    private Optional<Path> nodeRuntimeClient(Path task) {
        for (Path modules : List.of(task.resolve("node_modules"), runtimeDir.resolve("node_modules"))) {
            Path client = modules.resolve("aws-lambda-ric").resolve("bin").resolve("index.mjs");
            if (Files.isRegularFile(client)) {
                return Optional.of(client);
            }
        }
        return Optional.empty();
    }

    private void addressSpaceLimit(List<String> command, FunctionSpec spec) {
        if (prlimitAvailable) {
            command.addAll(List.of("/usr/bin/prlimit", "--as=" + (long) spec.memorySize() * 1024 * 1024, "--"));
        }
    }

    /** The function's classes and jars, then the runtime interface client's jars, wherever this server found them. */
    private static String javaClassPath(Path task) {
        List<String> entries = new ArrayList<>(List.of(task.toString(), task.resolve("lib").resolve("*").toString()));
        try (var files = Files.list(task)) {
            // A deployment package may also be a zip holding one jar at its root.
            files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")).forEach(f -> entries.add(f.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String className : RIC_CLASSES) {
            String location = codeSource(className);
            if (location != null && !entries.contains(location)) {
                entries.add(location);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String codeSource(String className) {
        try {
            var source = Class.forName(className, false, Launcher.class.getClassLoader()).getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toString();
        } catch (ClassNotFoundException | URISyntaxException e) {
            return null;
        }
    }

    private void copyResource(String name) throws IOException {
        try (InputStream in = Launcher.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            Path temporary = runtimeDir.resolve(name + ".tmp");
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, runtimeDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
