package dev.conveyor.artifacts;

import dev.conveyor.artifacts.object.ObjectNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Artifacts as CodePipeline ships them: zip files of a directory. Both directions stream (one 256 KiB buffer,
 * never a whole entry in memory), keep Unix permissions and symbolic links, and refuse anything that would
 * escape the root: entry names that are absolute or contain {@code ..}, links whose target resolves outside the
 * root (following links within the archive), more entries or bytes than the limits allow.
 */
public final class ZipArchives {
    private static final int BUFFER = 256 * 1024;
    private static final int MAX_LINK_HOPS = 40;

    /** How much an archive may unpack to. */
    public record Limits(long maxBytes, int maxEntries) {
        public static final Limits DEFAULT = new Limits(64L * 1024 * 1024 * 1024, 1_000_000);
    }

    private ZipArchives() {
    }

    /** Zips the content of {@code directory} (entries relative to it, sorted) into {@code zipFile}. */
    public static void zip(Path directory, Path zipFile) throws IOException {
        Path root = directory.toRealPath();
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    paths.add(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                paths.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(paths);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zipFile)) {
            out.setLevel(Deflater.BEST_SPEED);
            byte[] buffer = new byte[BUFFER];
            for (Path path : paths) {
                String name = root.relativize(path).toString().replace('\\', '/');
                if (Files.isSymbolicLink(path)) {
                    String target = Files.readSymbolicLink(path).toString();
                    checkLinkInside(root, path, name);
                    ZipArchiveEntry entry = new ZipArchiveEntry(name);
                    entry.setUnixMode(0120777);
                    byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
                    entry.setSize(bytes.length);
                    out.putArchiveEntry(entry);
                    out.write(bytes);
                    out.closeArchiveEntry();
                } else if (Files.isDirectory(path)) {
                    ZipArchiveEntry entry = new ZipArchiveEntry(name + "/");
                    entry.setUnixMode(040000 | mode(path, 0755));
                    out.putArchiveEntry(entry);
                    out.closeArchiveEntry();
                } else if (Files.isRegularFile(path)) {
                    ZipArchiveEntry entry = new ZipArchiveEntry(path, name);
                    entry.setUnixMode(0100000 | mode(path, 0644));
                    out.putArchiveEntry(entry);
                    try (InputStream in = Files.newInputStream(path)) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                        }
                    }
                    out.closeArchiveEntry();
                }
            }
        }
    }

    /** Unzips {@code zipFile} into {@code directory} (created if missing; it must be empty) with the default limits. */
    public static void unzip(Path zipFile, Path directory) throws IOException {
        unzip(zipFile, directory, Limits.DEFAULT);
    }

    /**
     * Unzips {@code zipFile} into {@code directory}, which is created if missing and must be empty (links already
     * there could otherwise redirect writes). Regular files and directories are written first, links last, so no
     * write ever goes through a link. On failure the directory's partial content is deleted.
     *
     * @throws UnsafeArchiveException when an entry escapes the root or the limits are exceeded
     */
    public static void unzip(Path zipFile, Path directory, Limits limits) throws IOException {
        Files.createDirectories(directory);
        try (var existing = Files.list(directory)) {
            if (existing.findAny().isPresent()) {
                throw new IOException("unzip target " + directory + " is not empty");
            }
        }
        Path root = directory.toRealPath();
        try (ZipFile zip = ZipFile.builder().setPath(zipFile).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
            if (entries.size() > limits.maxEntries()) {
                throw new UnsafeArchiveException(zipFile.getFileName().toString(),
                        "the archive has " + entries.size() + " entries, more than the limit of " + limits.maxEntries());
            }
            Map<String, String> links = new LinkedHashMap<>();
            // Two entries for one path (or a file where another entry needs a directory) would fail half-way with
            // the file system's exception, naming a server path (issue 13, item 19): refuse them before writing.
            Set<String> names = new HashSet<>();
            Set<String> nonDirectories = new HashSet<>();
            for (ZipArchiveEntry entry : entries) {
                String name = checkedName(entry.getName());
                if (!names.add(trimSlash(name))) {
                    throw new UnsafeArchiveException(entry.getName(), "the archive has more than one entry of that name");
                }
                if (!entry.isDirectory()) {
                    nonDirectories.add(trimSlash(name));
                }
                if (entry.isUnixSymlink()) {
                    String target = zip.getUnixSymlink(entry);
                    links.put(trimSlash(name), target);
                }
            }
            for (String name : names) {
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    if (nonDirectories.contains(name.substring(0, slash))) {
                        throw new UnsafeArchiveException(name, "its parent '" + name.substring(0, slash) + "' is a file or link in the archive");
                    }
                }
            }
            for (Map.Entry<String, String> link : links.entrySet()) {
                checkLinkResolvesInside(link.getKey(), link.getValue(), links);
            }
            long total = 0;
            byte[] buffer = new byte[BUFFER];
            for (ZipArchiveEntry entry : entries) {
                if (entry.isUnixSymlink()) {
                    continue;
                }
                String name = checkedName(entry.getName());
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root)) {
                    throw new UnsafeArchiveException(entry.getName(), "it resolves outside the target directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry);
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                             StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        total += n;
                        if (total > limits.maxBytes()) {
                            throw new UnsafeArchiveException(entry.getName(),
                                    "the archive unpacks to more than the limit of " + limits.maxBytes() + " bytes");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                int mode = entry.getUnixMode();
                if (mode != 0) {
                    setMode(target, mode | 0600);
                }
            }
            for (Map.Entry<String, String> link : links.entrySet()) {
                Path at = root.resolve(link.getKey()).normalize();
                Files.createDirectories(at.getParent());
                Files.createSymbolicLink(at, Path.of(link.getValue()));
            }
        } catch (IOException | RuntimeException e) {
            deleteContents(root);
            throw e;
        }
    }

    private static String checkedName(String raw) throws UnsafeArchiveException {
        String problem = raw.isEmpty() ? "it has an empty name" : ObjectNames.pathProblem(trimSlash(raw));
        if (problem != null) {
            throw new UnsafeArchiveException(raw, problem);
        }
        return raw;
    }

    private static String trimSlash(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * Resolves a link's target as the file system would, through the other links of the archive, refusing any
     * step that leaves the root.
     */
    private static void checkLinkResolvesInside(String linkName, String target, Map<String, String> links) throws UnsafeArchiveException {
        if (target.isEmpty() || target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0) {
            throw new UnsafeArchiveException(linkName, "symbolic link to '" + target + "' points outside the archive");
        }
        Deque<String> resolved = new ArrayDeque<>(List.of(linkName.split("/")));
        resolved.removeLast();
        Deque<String> pending = new ArrayDeque<>(List.of(target.split("/")));
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (resolved.isEmpty()) {
                    throw new UnsafeArchiveException(linkName, "symbolic link to '" + target + "' points outside the archive");
                }
                resolved.removeLast();
                continue;
            }
            resolved.addLast(part);
            String next = links.get(String.join("/", resolved));
            if (next != null) {
                if (++hops > MAX_LINK_HOPS) {
                    throw new UnsafeArchiveException(linkName, "too many levels of symbolic links");
                }
                if (next.startsWith("/")) {
                    throw new UnsafeArchiveException(linkName, "symbolic link to '" + target + "' goes through a link pointing outside");
                }
                resolved.removeLast();
                List<String> parts = List.of(next.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    pending.addFirst(parts.get(i));
                }
            }
        }
    }

    private static void checkLinkInside(Path root, Path link, String name) throws IOException {
        Path target = Files.readSymbolicLink(link);
        Path resolved;
        if (Files.exists(link)) {
            resolved = link.toRealPath();
        } else {
            resolved = link.getParent().resolve(target).normalize();
        }
        if (target.isAbsolute() || !resolved.startsWith(root)) {
            throw new UnsafeArchiveException(name, "symbolic link to '" + target + "' points outside " + root);
        }
    }

    private static int mode(Path path, int fallback) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            int mode = 0;
            for (PosixFilePermission p : permissions) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (IOException | UnsupportedOperationException e) {
            return fallback;
        }
    }

    private static void setMode(Path path, int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                permissions.add(p);
            }
        }
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (IOException | UnsupportedOperationException ignored) {
            // permissions are best effort on file systems without them
        }
    }

    private static void deleteContents(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Collections.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
