package dev.conveyor.providers.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.artifacts.StoredArtifact;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.jobs.JobOutcome;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;

/**
 * What every git source action does: fetch the branch (or the commit a revision override names) from the remote,
 * check it out, and store it as the output artifact, either as the tree alone ({@code CODE_ZIP}) or as a full
 * clone with its history and {@code origin} remote ({@code CODEBUILD_CLONE_REF}). http, https and file URLs are
 * fetched with JGit; ssh URLs with the {@code git} command, which brings the host's ssh configuration and keys.
 */
final class GitSources {
    static final String CODE_ZIP = "CODE_ZIP";
    static final String CLONE_REF = "CODEBUILD_CLONE_REF";
    /** Output variables hold at most this much of a commit message. */
    private static final int MAX_MESSAGE = 4096;

    private GitSources() {
    }

    /** A checked-out commit. */
    record Commit(String id, String fullMessage, Instant authorDate, Instant committerDate) {
        /** The message as output variables and summaries show it: at most {@value #MAX_MESSAGE} characters. */
        String message() {
            String m = fullMessage.strip();
            return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE);
        }
    }

    /**
     * What a fetch produced: the commit, the branch it is the head of (the configured branch, or, for a pinned
     * commit, the branch whose head it is, such as the branch a push or pull request started the execution for),
     * the stored artifact and its name.
     */
    record Fetched(Commit commit, String branch, String artifactName, StoredArtifact artifact) {
        JobOutcome.ProducedArtifact produced() {
            return new JobOutcome.ProducedArtifact(artifactName, artifact.location());
        }
    }

    static Fetched fetch(ActionJob job, String url, CredentialsProvider credentials, String branch, String outputFormat)
            throws SourceFailure, InterruptedException {
        return fetch(job, url, url, credentials, branch, outputFormat);
    }

    /** As above, fetching from {@code fetchUrl} while the clone's {@code origin} and the log name {@code url}. */
    static Fetched fetch(ActionJob job, String url, String fetchUrl, CredentialsProvider credentials, String branch, String outputFormat)
            throws SourceFailure, InterruptedException {
        String format = outputFormat == null || outputFormat.isBlank() ? CODE_ZIP : outputFormat;
        if (!CODE_ZIP.equals(format) && !CLONE_REF.equals(format)) {
            throw new SourceFailure("ConfigurationError", "OutputArtifactFormat must be CODE_ZIP or CODEBUILD_CLONE_REF, not '" + format + "'");
        }
        String commitOverride = commitOverride(job);
        boolean full = CLONE_REF.equals(format);
        Path tree = job.workspace().resolve("source");
        Path gitDir = full ? tree.resolve(".git") : job.workspace().resolve("source.git");
        List<String> specs = commitOverride == null && !full
                ? List.of("+refs/heads/" + branch + ":refs/remotes/origin/" + branch)
                : List.of("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
        job.log().line("Fetching " + (commitOverride == null ? "branch " + branch : "commit " + commitOverride) + " from " + redact(url));
        Commit commit;
        String checkedOutBranch = branch;
        try (Git git = Git.init().setDirectory(tree.toFile()).setGitDir(gitDir.toFile()).setInitialBranch(branch).call()) {
            Repository repo = git.getRepository();
            StoredConfig config = repo.getConfig();
            config.setString("remote", "origin", "url", url);
            config.setStringList("remote", "origin", "fetch", specs);
            config.setString("branch", branch, "remote", "origin");
            config.setString("branch", branch, "merge", "refs/heads/" + branch);
            config.save();
            fetchInto(git, gitDir, fetchUrl, specs, credentials, job);
            ObjectId id = resolve(repo, url, branch, commitOverride);
            checkedOutBranch = commitOverride == null ? branch : branchWithHead(repo, branch, id);
            if (!checkedOutBranch.equals(branch)) {
                git.getRepository().updateRef(org.eclipse.jgit.lib.Constants.HEAD).link("refs/heads/" + checkedOutBranch);
                config.setString("branch", checkedOutBranch, "remote", "origin");
                config.setString("branch", checkedOutBranch, "merge", "refs/heads/" + checkedOutBranch);
                config.save();
            }
            RevCommit head;
            try (RevWalk walk = new RevWalk(repo)) {
                head = walk.parseCommit(id);
            }
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(head.name()).call();
            commit = new Commit(head.name(), head.getFullMessage(), head.getAuthorIdent().getWhenAsInstant(),
                    head.getCommitterIdent().getWhenAsInstant());
        } catch (GitAPIException | IOException e) {
            throw new SourceFailure("JobFailed", "Could not check out " + redact(url) + ": " + e.getMessage(), e);
        }
        try {
            if (!full) {
                Files.deleteIfExists(tree.resolve(".git")); // the link JGit leaves to the repository kept beside the tree
            }
            Path zip = job.workspace().resolve("source.zip");
            ZipArchives.zip(tree, zip);
            String artifactName = job.outputNames().getFirst();
            StoredArtifact stored = job.storeOutput(artifactName, zip);
            job.log().line("Stored " + artifactName + ": commit " + commit.id() + " as " + format + " (" + stored.size() + " bytes)");
            return new Fetched(commit, checkedOutBranch, artifactName, stored);
        } catch (IOException e) {
            throw new SourceFailure("JobFailed", "Could not package the source: " + e.getMessage(), e);
        }
    }

    /** The commit a COMMIT_ID revision override names, or null; another kind of override is a configuration error. */
    private static String commitOverride(ActionJob job) throws SourceFailure {
        JsonNode override = job.sourceRevisionOverride();
        if (override == null) {
            return null;
        }
        String type = override.path("revisionType").asText();
        if (!"COMMIT_ID".equals(type)) {
            throw new SourceFailure("ConfigurationError", "A git source takes revision overrides of type COMMIT_ID, not " + type);
        }
        return override.path("revisionValue").asText();
    }

    private static final int FETCH_ATTEMPTS = 3;

    /** Failures another attempt cannot cure: authentication, a repository or revision that is not there. */
    private static boolean notTransient(TransportException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("not authorized") || message.contains("authentication") || message.contains("not found")
                || message.contains("does not appear to be a git repository") || message.contains("not permitted");
    }

    private static void fetchInto(Git git, Path gitDir, String url, List<String> specs, CredentialsProvider credentials, ActionJob job)
            throws SourceFailure, InterruptedException, GitAPIException {
        if (isSsh(url)) {
            fetchWithGitCommand(gitDir, url, specs, job);
            return;
        }
        // A transport failure may be a server replica going away under the fetch (issue 19: the load balancer sends the
        // next attempt to another): tried again twice, a second apart, before the source fails.
        for (int attempt = 1; ; attempt++) {
            try {
                git.fetch().setRemote(url).setRefSpecs(specs.stream().map(RefSpec::new).toList()).setCredentialsProvider(credentials)
                        .setTimeout((int) Math.min(Integer.MAX_VALUE, job.timeout().toSeconds())).call();
                return;
            } catch (TransportException e) {
                if (attempt >= FETCH_ATTEMPTS || notTransient(e)) {
                    throw new SourceFailure("RevisionUnavailable", "Could not fetch from " + redact(url) + ": " + e.getMessage(), e);
                }
                Thread.sleep(1000);
            }
        }
    }

    private static void fetchWithGitCommand(Path gitDir, String url, List<String> specs, ActionJob job)
            throws SourceFailure, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + gitDir, "fetch", "--quiet", url));
        command.addAll(specs);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("GIT_TERMINAL_PROMPT", "0");
            builder.environment().putIfAbsent("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(job.timeout().toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SourceFailure("JobFailed", "git fetch from " + redact(url) + " did not finish in time");
            }
            if (!output.isBlank()) {
                job.log().line(output.strip());
            }
            if (process.exitValue() != 0) {
                throw new SourceFailure("RevisionUnavailable", "git fetch from " + redact(url) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new SourceFailure("JobFailed", "ssh URLs are fetched with the git command, which could not run: " + e.getMessage(), e);
        }
    }

    private static ObjectId resolve(Repository repo, String url, String branch, String commitOverride) throws IOException, SourceFailure {
        if (commitOverride != null) {
            ObjectId id = repo.resolve(commitOverride + "^{commit}");
            if (id == null) {
                throw new SourceFailure("RevisionUnavailable", "Commit " + commitOverride + " is not in " + redact(url));
            }
            return id;
        }
        Ref ref = repo.exactRef("refs/remotes/origin/" + branch);
        if (ref == null) {
            throw new SourceFailure("RevisionUnavailable", "Branch " + branch + " does not exist in " + redact(url));
        }
        return ref.getObjectId();
    }

    /** The configured branch if {@code id} is its head, else the first other branch whose head it is, else the configured one. */
    private static String branchWithHead(Repository repo, String branch, ObjectId id) throws IOException {
        String prefix = "refs/remotes/origin/";
        Ref configured = repo.exactRef(prefix + branch);
        if (configured != null && id.equals(configured.getObjectId())) {
            return branch;
        }
        return repo.getRefDatabase().getRefsByPrefix(prefix).stream()
                .filter(r -> id.equals(r.getObjectId())).map(r -> r.getName().substring(prefix.length()))
                .filter(name -> !"HEAD".equals(name)).sorted().findFirst().orElse(branch);
    }

    static boolean isSsh(String url) {
        return url.startsWith("ssh://") || url.startsWith("git+ssh://") || url.matches("^[A-Za-z0-9._-]+@[^:/]+:.*");
    }

    /** The URL without any user information, for logs and messages. */
    static String redact(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() != null && uri.getHost() != null) {
                return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null).toString();
            }
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            // not a URI (scp-like ssh): shown as is
        }
        return url;
    }

    /** The commit's web URL, or the repository URL with the commit as fragment when the host has no web view. */
    static String commitUrl(GitRemote remote, String commitId) {
        return remote.commitUrlPrefix() != null ? remote.commitUrlPrefix() + commitId : redact(remote.url()) + "#" + commitId;
    }
}
