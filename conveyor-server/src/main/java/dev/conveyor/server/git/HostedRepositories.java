package dev.conveyor.server.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The hosted repositories: bare repositories at {@code <root>/<name>.git}. A name is CodeCommit-like
 * ({@code [A-Za-z0-9._-]}, at most 100 characters) or up to four such segments joined by {@code /}
 * ({@code team/app}, as a connection's FullRepositoryId names it); a trailing {@code .git} is ignored.
 */
public final class HostedRepositories implements AutoCloseable {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
    static final int MAX_SEGMENTS = 4;

    private final Path root;
    private final Object creation = new Object();
    /** Where repositories live when replicas share them (issue 19), or null: files under {@link #root} only. */
    private final dev.conveyor.cluster.DatabaseGitRepositories shared;
    /** How this process's sources read repositories kept in the database, or null when there are none. */
    private final InProcessGitProtocol inProcess;

    public HostedRepositories(Path root) {
        this(root, null);
    }

    /**
     * Repositories kept in the database ({@code shared}: every replica sees a push at once); repositories that a
     * single server made under {@code root} before are still served from there.
     */
    public HostedRepositories(Path root, dev.conveyor.cluster.DatabaseGitRepositories shared) {
        this.root = root;
        this.shared = shared;
        this.inProcess = shared == null ? null : InProcessGitProtocol.register(shared.storeId(), this);
    }

    /** A commit as the hosting shows it. */
    public record CommitInfo(String id, String message, String authorName, String authorEmail, Instant authorDate,
                             String committerName, Instant committerDate, List<String> parents) {
    }

    /** The repository name in canonical form, or empty when it is not a valid name. */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String name = raw;
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.endsWith(".git")) {
            name = name.substring(0, name.length() - 4);
        }
        String[] segments = name.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            return Optional.empty();
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.endsWith(".git") || segment.endsWith(".")) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    public Path root() {
        return root;
    }

    /**
     * Removes what writes cut short by a crash left in the repositories (temporary packs, lock files; see
     * {@link PushLeftovers}). For the server's start, before the git endpoint serves.
     */
    public void removeInterruptedWrites() {
        PushLeftovers.remove(root);
    }

    public Path directory(String name) {
        return root.resolve(name + ".git");
    }

    /**
     * The URL JGit fetches {@code name} from in this process, for the sources and builds this server runs (they read
     * hosted repositories directly, since hosted git over HTTP asks for credentials). A repository on disk is read
     * from its directory; one kept in the database (replicas) through {@link InProcessGitProtocol}, straight from the
     * database, with no copy on disk. The URL is the same on every replica on the database, so a job queued by one
     * and run by another reads the same repository.
     */
    public String readableUrl(String name) {
        if (inProcess == null || existsOnDisk(name)) {
            return directory(name).toUri().toString();
        }
        return inProcess.url(name);
    }

    /** Stops serving fetches of database repositories in this process. */
    @Override
    public void close() {
        if (inProcess != null) {
            inProcess.close();
        }
    }

    public boolean exists(String name) {
        return existsOnDisk(name) || (shared != null && shared.exists(name));
    }

    private boolean existsOnDisk(String name) {
        return Files.isRegularFile(directory(name).resolve("HEAD"));
    }

    /** Opens an existing repository; the caller closes it. */
    public Repository open(String name) throws RepositoryNotFoundException {
        if (shared != null && !existsOnDisk(name)) {
            try {
                Repository repository = shared.open(name);
                if (repository == null) {
                    throw new RepositoryNotFoundException(name);
                }
                return repository;
            } catch (IOException | RuntimeException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        }
        if (!exists(name)) {
            throw new RepositoryNotFoundException(name);
        }
        try {
            return RepositoryCache.open(RepositoryCache.FileKey.exact(directory(name).toFile(), FS.DETECTED), true);
        } catch (IOException e) {
            throw new RepositoryNotFoundException(name, e);
        }
    }

    /** Opens the repository, creating it (bare, empty) if it does not exist; the caller closes it. */
    public Repository openOrCreate(String name) throws RepositoryNotFoundException {
        if (shared != null && !existsOnDisk(name)) {
            try {
                return shared.openOrCreate(name, "main");
            } catch (IOException | RuntimeException e) {
                throw new RepositoryNotFoundException(name, e);
            }
        }
        synchronized (creation) {
            if (!exists(name)) {
                try {
                    Files.createDirectories(directory(name).getParent());
                    Git.init().setBare(true).setDirectory(directory(name).toFile()).setInitialBranch("main").call().close();
                } catch (GitAPIException | IOException e) {
                    throw new RepositoryNotFoundException(name, e);
                }
            }
        }
        return open(name);
    }

    /** The commit a ref (e.g. {@code refs/heads/main}) points to, or empty when the repository or ref does not exist. */
    public Optional<String> resolve(String name, String refName) {
        if (!exists(name)) {
            return Optional.empty();
        }
        try (Repository repo = open(name)) {
            Ref ref = repo.exactRef(refName);
            if (ref == null || ref.getObjectId() == null) {
                return Optional.empty();
            }
            Ref peeled = repo.getRefDatabase().peel(ref);
            ObjectId id = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : ref.getObjectId();
            return Optional.of(id.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The paths a push changed: between the trees of {@code oldId} and {@code newId}, or, for a new ref, between
     * {@code newId} and its first parent (every file of a root commit).
     */
    public List<String> changedFiles(String name, String oldId, String newId) {
        try (Repository repo = open(name); RevWalk walk = new RevWalk(repo);
             DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setRepository(repo);
            RevCommit next = walk.parseCommit(ObjectId.fromString(newId));
            RevCommit previous = null;
            if (!RefChange.ZERO.equals(oldId)) {
                previous = walk.parseCommit(ObjectId.fromString(oldId));
            } else if (next.getParentCount() > 0) {
                previous = walk.parseCommit(next.getParent(0));
            }
            List<String> paths = new ArrayList<>();
            for (DiffEntry entry : diff.scan(previous == null ? null : previous.getTree(), next.getTree())) {
                paths.add(entry.getChangeType() == DiffEntry.ChangeType.DELETE ? entry.getOldPath() : entry.getNewPath());
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A commit of the repository, or empty when either does not exist. */
    public Optional<CommitInfo> commit(String name, String id) {
        if (!exists(name)) {
            return Optional.empty();
        }
        try (Repository repo = open(name); RevWalk walk = new RevWalk(repo)) {
            ObjectId objectId = repo.resolve(id + "^{commit}");
            if (objectId == null) {
                return Optional.empty();
            }
            RevCommit c = walk.parseCommit(objectId);
            List<String> parents = new ArrayList<>();
            for (RevCommit p : c.getParents()) {
                parents.add(p.name());
            }
            return Optional.of(new CommitInfo(c.name(), c.getFullMessage(), c.getAuthorIdent().getName(),
                    c.getAuthorIdent().getEmailAddress(), c.getAuthorIdent().getWhenAsInstant(), c.getCommitterIdent().getName(),
                    c.getCommitterIdent().getWhenAsInstant(), parents));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
