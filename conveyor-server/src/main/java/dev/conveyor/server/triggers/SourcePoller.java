package dev.conveyor.server.triggers;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.connections.ConnectionResolver;
import dev.conveyor.server.connections.UnresolvableSourceException;
import dev.conveyor.server.git.HostedRepositories;
import dev.conveyor.store.source.SourceRevisionRepository;
import dev.conveyor.store.source.SourceRevisionRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the sources that ask for it and starts their pipeline when the revision moves ({@code PollForSourceChanges}
 * trigger): CodeCommit, GitHub and S3 sources whose PollForSourceChanges is not false, and connection sources that
 * detect changes on a git server that cannot tell Conveyor itself (anything but this server's hosted repositories).
 * The last revision seen is kept in the database per source action; the first look only records it. A start is
 * idempotent per (action, old, new revision), so replicas polling at once start one execution.
 */
public final class SourcePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);
    private static final int LS_REMOTE_TIMEOUT_SECONDS = 30;
    /** Marks the revision of an object in an unversioned bucket (its ETag): nothing to pin the source action to. */
    private static final String UNVERSIONED = "etag:";

    private final SourceTriggers triggers;
    private final SourceRevisionRepository revisions;
    private final HostedRepositories repositories;
    private final ConnectionResolver connections;
    private final ObjectStore objects;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    private Thread thread;
    /** Whether this replica polls now (issue 19: one replica at a time); always, by default. */
    private volatile java.util.function.BooleanSupplier runsHere = () -> true;

    public SourcePoller(SourceTriggers triggers, SourceRevisionRepository revisions, HostedRepositories repositories,
                        ConnectionResolver connections, ObjectStore objects, Clock clock, Duration interval) {
        this.triggers = triggers;
        this.revisions = revisions;
        this.repositories = repositories;
        this.connections = connections;
        this.objects = objects;
        this.clock = clock;
        this.interval = interval;
    }

    /** Polls only while {@code gate} says so (the replica holding the polling lock); returns this poller. */
    public SourcePoller onlyWhile(java.util.function.BooleanSupplier gate) {
        this.runsHere = gate;
        return this;
    }

    public synchronized SourcePoller start() {
        thread = Thread.ofVirtual().name("conveyor-source-poller").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                    if (runsHere.getAsBoolean()) {
                        pollSpread(interval);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("source polling failed: {}", e.toString());
                }
            }
        });
        return this;
    }

    /** What a polled source is (its key) and its current revision (empty when it has none yet). */
    record Polled(String key, Optional<String> revision) {
    }

    /** Looks at every polled source once, at once; returns how many pipelines it started. */
    public int pollOnce() {
        int started = 0;
        for (SourceAction source : triggers.index().all()) {
            started += pollOne(source);
        }
        return started;
    }

    /**
     * Looks at every polled source once, spread evenly over {@code period}: thousands of polling pipelines then cost
     * a steady trickle of lookups instead of a burst that would stall requests every interval.
     */
    void pollSpread(Duration period) throws InterruptedException {
        List<SourceAction> sources = triggers.index().all();
        long pauseNanos = sources.isEmpty() ? 0 : period.toNanos() / 2 / sources.size();
        for (SourceAction source : sources) {
            pollOne(source);
            if (pauseNanos > 0) {
                Thread.sleep(Duration.ofNanos(pauseNanos));
            }
        }
    }

    private int pollOne(SourceAction source) {
        String key = source.pipelineName() + "\n" + source.name();
        try {
            Optional<Polled> polled = look(source);
            lastFailure.remove(key);
            return polled.isPresent() && polled.get().revision().isPresent() && changed(source, polled.get()) ? 1 : 0;
        } catch (RuntimeException e) {
            // Said once per source and kind of failure: a missing bucket would otherwise be logged every interval.
            if (!e.toString().equals(lastFailure.put(key, e.toString()))) {
                LOG.warn("could not poll source {} of pipeline {}: {}", source.name(), source.pipelineName(), e.toString());
            }
            return 0;
        }
    }

    private boolean changed(SourceAction source, Polled polled) {
        String revision = polled.revision().orElseThrow();
        Optional<SourceRevisionRow> last = revisions.find(source.pipelineName(), source.name(), SourceRevisionRow.POLL);
        SourceRevisionRow next = new SourceRevisionRow(source.pipelineName(), source.name(), SourceRevisionRow.POLL, polled.key(),
                revision, null, null, clock.instant());
        if (last.isEmpty() || !last.get().sourceKey().equals(polled.key())) {
            revisions.advance(last.orElse(null), next); // a first look (or a reconfigured source) is the baseline
            return false;
        }
        if (last.get().revision().equals(revision)) {
            return false;
        }
        String token = "poll-" + sha1(source.name() + "\n" + last.get().revision() + "\n" + revision);
        try {
            triggers.start(new SourceTriggers.Start(source.pipelineName(), "PollForSourceChanges",
                    source.name() + " " + polled.key() + " " + revision).pin(source, revision.startsWith(UNVERSIONED) ? null : revision)
                    .idempotent(token));
        } catch (ServiceException e) {
            LOG.warn("polling saw {} of pipeline {} move to {} but could not start it: {}", source.name(), source.pipelineName(),
                    revision, e.getMessage());
            return false;
        }
        revisions.advance(last.get(), next);
        return true;
    }

    /** The source's key and current revision, or empty when this source is not polled. */
    Optional<Polled> look(SourceAction source) {
        return switch (source.kind()) {
            case S3 -> source.pollsForSourceChanges() ? Optional.of(s3(source)) : Optional.empty();
            case CODECOMMIT -> source.pollsForSourceChanges()
                    ? HostedRepositories.normalize(source.config("RepositoryName")).map(name -> hosted(name, source.branch()))
                    : Optional.empty();
            case GITHUB -> {
                if (!source.pollsForSourceChanges()) {
                    yield Optional.empty();
                }
                ConnectionResolver.Resolved resolved = connections.github(source.config("Owner"), source.config("Repo"));
                yield Optional.of(git(resolved, source.branch(), source.config("OAuthToken")));
            }
            case CONNECTION -> {
                if (!source.detectsChanges()) {
                    yield Optional.empty();
                }
                try {
                    ConnectionResolver.Resolved resolved = connections.resolve(source.config("ConnectionArn"), source.config("FullRepositoryId"));
                    // Hosted repositories report their pushes; only other servers are polled.
                    yield resolved.hostedRepository() != null ? Optional.empty() : Optional.of(git(resolved, source.branch(), null));
                } catch (UnresolvableSourceException e) {
                    yield Optional.empty();
                }
            }
            case OTHER -> Optional.empty();
        };
    }

    private Polled s3(SourceAction source) {
        String bucket = source.config("S3Bucket");
        String key = source.config("S3ObjectKey");
        String revision;
        try {
            ObjectVersion version = objects.headObject(bucket, key, null);
            revision = ObjectVersion.NULL_VERSION.equals(version.versionId()) || version.versionId() == null
                    ? UNVERSIONED + version.etag() : version.versionId();
        } catch (RuntimeException missing) {
            revision = null;
        }
        return new Polled("s3://" + bucket + "/" + key, Optional.ofNullable(revision));
    }

    private Polled hosted(String name, String branch) {
        return new Polled("hosted:" + name + "#" + branch, repositories.resolve(name, "refs/heads/" + branch));
    }

    private Polled git(ConnectionResolver.Resolved resolved, String branch, String token) {
        if (resolved.hostedRepository() != null) {
            return hosted(resolved.hostedRepository(), branch);
        }
        return new Polled(resolved.url() + "#" + branch, lsRemote(resolved.url(), "refs/heads/" + branch, token));
    }

    /** The commit a ref of a remote repository points to, without fetching anything. */
    static Optional<String> lsRemote(String url, String refName, String token) {
        if (url.startsWith("ssh://") || url.matches("^[A-Za-z0-9._-]+@[^:/]+:.*")) {
            return lsRemoteWithGitCommand(url, refName);
        }
        try {
            var command = Git.lsRemoteRepository().setRemote(url).setHeads(true).setTimeout(LS_REMOTE_TIMEOUT_SECONDS);
            if (token != null && !token.isBlank()) {
                command.setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", token));
            }
            return command.call().stream().filter(r -> r.getName().equals(refName)).findFirst()
                    .map(Ref::getObjectId).map(id -> id.name());
        } catch (GitAPIException e) {
            LOG.debug("ls-remote {} failed: {}", url, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> lsRemoteWithGitCommand(String url, String refName) {
        try {
            ProcessBuilder builder = new ProcessBuilder("git", "ls-remote", url, refName).redirectErrorStream(false);
            builder.environment().put("GIT_TERMINAL_PROMPT", "0");
            builder.environment().putIfAbsent("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(LS_REMOTE_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return out.lines().map(l -> l.split("\\s+")).filter(p -> p.length == 2 && p[1].equals(refName)).map(p -> p[0]).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }
}
