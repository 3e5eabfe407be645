package dev.conveyor.server.functions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds function deployment packages for tests: files by path, executable ones with Unix mode 755 recorded in the zip
 * (through the JDK's zip file system, as {@code zip} would), and a Java function from compiled test classes.
 */
public final class FunctionZips {
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, Boolean> executable = new LinkedHashMap<>();

    public static FunctionZips zip() {
        return new FunctionZips();
    }

    /** Adds a file's bytes as they are, e.g. a jar under {@code lib/}. */
    public FunctionZips bytes(String path, byte[] content) {
        files.put(path, content);
        executable.put(path, false);
        return this;
    }

    public FunctionZips file(String path, String content) {
        files.put(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        executable.put(path, false);
        return this;
    }

    public FunctionZips executable(String path, String content) {
        file(path, content);
        executable.put(path, true);
        return this;
    }

    /** Adds a compiled test class (and its nested classes are not needed by the handlers here) at its class path. */
    public FunctionZips compiledClass(Class<?> type) {
        String path = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
            files.put(path, in.readAllBytes());
            executable.put(path, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public byte[] bytes() {
        try {
            Path dir = Files.createTempDirectory("function-zip-");
            Path zip = dir.resolve("function.zip");
            try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
                for (var file : files.entrySet()) {
                    Path target = fs.getPath("/" + file.getKey());
                    if (target.getParent() != null) {
                        Files.createDirectories(target.getParent());
                    }
                    Files.write(target, file.getValue());
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable.get(file.getKey()) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            byte[] bytes = Files.readAllBytes(zip);
            Files.delete(zip);
            Files.delete(dir);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
