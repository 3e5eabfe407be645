package dev.conveyor.server.git;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a push, or any other write to a hosted repository, leaves behind when the server is killed in its middle:
 * JGit's temporary pack and index ({@code objects/incoming_*.pack}, {@code .idx}; {@code objects/pack/insert_*}),
 * a loose object being written ({@code objects/noz*.tmp}), and lock files ({@code refs/heads/main.lock},
 * {@code packed-refs.lock}, {@code config.lock}, …). The temporary files only take space; a lock file left behind
 * makes JGit refuse every later update of what it locks, so the branch could never be pushed again. They are removed
 * as the server starts, before the git endpoint serves: no write to a repository is in flight then (the data
 * directory is one process's). Objects, packs and refs that were committed are left alone.
 */
final class PushLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(PushLeftovers.class);
    /** Temporary files JGit writes directly under {@code objects/}. */
    private static final Pattern OBJECTS_TEMP = Pattern.compile("incoming_.*\\.(pack|idx)|noz.*\\.tmp");
    /** Temporary files JGit's pack inserter writes under {@code objects/pack/}. */
    private static final Pattern PACK_TEMP = Pattern.compile("insert_.*\\.(pack|idx)");

    private PushLeftovers() {
    }

    /** Removes the leftovers of every repository under {@code root}; returns the files removed. */
    static List<Path> remove(Path root) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try {
            // Repositories are named by up to MAX_SEGMENTS path segments; their insides are not walked past.
            Files.walkFileTree(root, Set.of(), HostedRepositories.MAX_SEGMENTS, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (isRepository(dir)) {
                        removeIn(dir, removed);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not look for the leftovers of interrupted pushes under {}: {}", root, e.toString());
        }
        for (Path file : removed) {
            LOG.info("removed {}, left by an interrupted write to a hosted repository", root.relativize(file));
        }
        return removed;
    }

    private static boolean isRepository(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().endsWith(".git")
                && Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
    }

    private static void removeIn(Path repository, List<Path> removed) throws IOException {
        Path objects = repository.resolve("objects");
        removeMatching(objects, OBJECTS_TEMP, removed);
        removeMatching(objects.resolve("pack"), PACK_TEMP, removed);
        // Lock files sit next to what they lock: HEAD, config, packed-refs, and refs anywhere under refs/.
        removeMatching(repository, Pattern.compile(".*\\.lock"), removed);
        Path refs = repository.resolve("refs");
        if (Files.isDirectory(refs)) {
            Files.walkFileTree(refs, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile() && file.getFileName().toString().endsWith(".lock") && Files.deleteIfExists(file)) {
                        removed.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    private static void removeMatching(Path dir, Pattern names, List<Path> removed) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (names.matcher(file.getFileName().toString()).matches() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Files.deleteIfExists(file)) {
                    removed.add(file);
                }
            }
        }
    }
}
