package dev.conveyor.providers.codebuild;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A project's local cache on this agent: the files a buildspec's {@code cache.paths} select under the source
 * directory, saved after a successful build and restored (without overwriting the source) before the next one.
 * Builds of one project on one agent take turns with a file lock. Absolute paths are left alone: on the host they
 * outlive the build anyway.
 */
final class BuildCache {
    private final Path dir;

    BuildCache(Path dir) {
        this.dir = dir;
    }

    void restore(Path sourceDir, List<String> paths, BuildLog log) throws IOException {
        Path files = dir.resolve("files");
        withLock(() -> {
            if (!Files.isDirectory(files)) {
                log.note("Cache: nothing cached yet for this project");
                return;
            }
            int restored = 0;
            try (Stream<Path> walk = Files.walk(files)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    Path target = sourceDir.resolve(files.relativize(file).toString());
                    if (!Files.exists(target)) {
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                        restored++;
                    }
                }
            }
            log.note("Cache: restored " + restored + " files");
        });
    }

    void save(Path sourceDir, List<String> paths, BuildLog log) throws IOException {
        List<String> relative = new ArrayList<>();
        for (String path : paths) {
            if (path.startsWith("/")) {
                log.note("Cache: " + path + " is an absolute path, left in place on this host");
            } else {
                relative.add(path);
            }
        }
        if (relative.isEmpty()) {
            return;
        }
        FileSelection selection = FileSelection.of(sourceDir, relative, List.of());
        withLock(() -> {
            Path staging = Files.createTempDirectory(Files.createDirectories(dir), "saving-");
            for (String file : selection.files()) {
                Path copy = staging.resolve(file);
                Files.createDirectories(copy.getParent());
                Files.copy(sourceDir.resolve(file), copy, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Path files = dir.resolve("files");
            Path old = dir.resolve("old");
            deleteTree(old);
            if (Files.exists(files)) {
                Files.move(files, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, files, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
            log.note("Cache: saved " + selection.files().size() + " files");
        });
    }

    private interface Work {
        void run() throws IOException;
    }

    /**
     * Builds of one project on this host take turns: a file lock between agent processes, and an in-process lock
     * between builds of one agent (the JVM refuses to take one file lock twice). The map holds one lock per cache
     * directory this process ever used, which is one per project.
     */
    private static final java.util.concurrent.ConcurrentMap<Path, java.util.concurrent.locks.ReentrantLock> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private void withLock(Work work) throws IOException {
        Files.createDirectories(dir);
        java.util.concurrent.locks.ReentrantLock local = LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(),
                d -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            work.run();
        } finally {
            local.unlock();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
