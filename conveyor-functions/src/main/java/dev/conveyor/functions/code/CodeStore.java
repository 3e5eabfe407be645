package dev.conveyor.functions.code;

import dev.conveyor.functions.errors.InvalidParameterValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Functions' code zips, content-addressed under {@code <data>/functions/code/<sha256 hex>.zip}, and their unpacked
 * trees under {@code <data>/functions/tasks/<sha256 hex>/} (the instances' {@code LAMBDA_TASK_ROOT}). Functions with the
 * same code share both. A tree is unpacked once, into a temporary directory moved into place, so a half-unpacked tree
 * is never used. Unix permissions recorded in the zip are kept (a {@code provided} function's {@code bootstrap} must stay
 * executable), read through the JDK's zip file system rather than by parsing the zip ourselves.
 */
public final class CodeStore {
    /** Lambda's limit for an unzipped deployment package. */
    static final long MAX_UNZIPPED_BYTES = 250L * 1024 * 1024;

    private final Path codeDir;
    private final Path tasksDir;

    public CodeStore(Path dataDir) {
        this.codeDir = dataDir.resolve("functions").resolve("code");
        this.tasksDir = dataDir.resolve("functions").resolve("tasks");
        try {
            Files.createDirectories(codeDir);
            Files.createDirectories(tasksDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + codeDir, e);
        }
    }

    /** Keeps a zip (checked to be one, with no entry escaping its root) and returns its address. */
    public StoredCode store(byte[] zip, String field) {
        byte[] digest = sha256(zip);
        String hex = HexFormat.of().formatHex(digest);
        Path target = codeDir.resolve(hex + ".zip");
        try {
            if (!Files.exists(target)) {
                Path temporary = codeDir.resolve(hex + "." + UUID.randomUUID() + ".tmp");
                try {
                    Files.write(temporary, zip);
                    checkZip(temporary, field);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store code " + hex, e);
        }
        return new StoredCode(hex, Base64.getEncoder().encodeToString(digest), zip.length);
    }

    /** The zip's bytes (GetFunction's Code.Location serves them). */
    public Path zip(String sha256Hex) {
        return codeDir.resolve(sha256Hex + ".zip");
    }

    /** The unpacked tree of a stored zip, unpacking it first if it is not yet. */
    public synchronized Path taskRoot(String sha256Hex) {
        Path root = tasksDir.resolve(sha256Hex);
        if (Files.isDirectory(root)) {
            return root;
        }
        Path temporary = tasksDir.resolve(sha256Hex + "." + UUID.randomUUID() + ".tmp");
        try {
            unpack(zip(sha256Hex), temporary);
            Files.move(temporary, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(temporary);
            throw new UncheckedIOException("cannot unpack code " + sha256Hex, e);
        }
        return root;
    }

    /** Forgets a zip and its tree (when no function uses them any more). Running instances keep their open files. */
    public synchronized void delete(String sha256Hex) {
        try {
            Files.deleteIfExists(zip(sha256Hex));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteTree(tasksDir.resolve(sha256Hex));
    }

    private static void checkZip(Path zip, String field) {
        try (FileSystem fs = open(zip)) {
            long total = 0;
            try (Stream<Path> entries = Files.walk(fs.getPath("/"))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (Files.isRegularFile(entry)) {
                        total += Files.size(entry);
                    }
                }
            }
            if (total > MAX_UNZIPPED_BYTES) {
                throw new InvalidParameterValueException("Unzipped size must be smaller than " + MAX_UNZIPPED_BYTES + " bytes", field);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidParameterValueException invalid) {
                throw invalid;
            }
            throw new InvalidParameterValueException(
                    "Could not unzip uploaded file. Please check your file, then try to upload again. (" + field + ")", field);
        }
    }

    private static void unpack(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        try (FileSystem fs = open(zip); Stream<Path> entries = Files.walk(fs.getPath("/"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String relative = fs.getPath("/").relativize(entry).toString();
                if (relative.isEmpty()) {
                    continue;
                }
                Path target = into.resolve(relative).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry " + relative + " escapes the task root");
                }
                if (Files.isDirectory(entry)) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
                Set<PosixFilePermission> permissions = new HashSet<>(Files.readAttributes(entry, PosixFileAttributes.class).permissions());
                // A zip made without Unix attributes (e.g. on Windows) has none: leave the default (readable) then.
                if (!permissions.isEmpty()) {
                    permissions.add(PosixFilePermission.OWNER_READ);
                    Files.setPosixFilePermissions(target, permissions);
                }
            }
        }
    }

    private static FileSystem open(Path zip) throws IOException {
        // By path, not by URI: the file system is private to this call, so concurrent opens of one zip do not collide.
        return FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
