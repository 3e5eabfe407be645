package dev.conveyor.server.triggers;

import java.util.List;
import java.util.function.Supplier;

/**
 * A change in a git repository that may start pipelines: a push of a branch or tag, or a pull request event,
 * from a push to a hosted repository or a webhook's payload.
 *
 * @param refName           the pushed ref ({@code refs/heads/main}, {@code refs/tags/v1}); for a pull request,
 *                          its source branch as {@code refs/heads/…}
 * @param commitId          the commit to build: the pushed ref's new head, or the pull request's head
 * @param pullRequestAction OPEN, UPDATED or CLOSED for pull requests, null for pushes
 * @param targetBranch      a pull request's destination branch (short name), null for pushes
 * @param files             the paths the change touched, computed on first use; a supplier of null when unknown
 * @param message           the head commit's message when known (for trigger details), or null
 */
public record GitEvent(Kind kind, String refName, String commitId, String pullRequestAction, String targetBranch,
                       Supplier<List<String>> files, String message) {

    public enum Kind { PUSH, PULL_REQUEST }

    public static final String HEADS = "refs/heads/";
    public static final String TAGS = "refs/tags/";

    public static GitEvent push(String refName, String commitId, Supplier<List<String>> files, String message) {
        return new GitEvent(Kind.PUSH, refName, commitId, null, null, memoize(files), message);
    }

    public static GitEvent pullRequest(String action, String sourceBranch, String targetBranch, String commitId,
                                       Supplier<List<String>> files, String message) {
        return new GitEvent(Kind.PULL_REQUEST, HEADS + sourceBranch, commitId, action, targetBranch, memoize(files), message);
    }

    /** The branch's short name when a branch was pushed (or a pull request's source branch), else null. */
    public String branch() {
        return refName != null && refName.startsWith(HEADS) ? refName.substring(HEADS.length()) : null;
    }

    /** The tag's short name when a tag was pushed, else null. */
    public String tag() {
        return refName != null && refName.startsWith(TAGS) ? refName.substring(TAGS.length()) : null;
    }

    /** The changed paths, or null when the event does not say. */
    public List<String> changedFiles() {
        return files.get();
    }

    /** How trigger details describe the event. */
    public String describe() {
        return kind == Kind.PUSH
                ? refName + " " + commitId
                : "pull request " + pullRequestAction + " " + branch() + " -> " + targetBranch + " " + commitId;
    }

    private static Supplier<List<String>> memoize(Supplier<List<String>> supplier) {
        return new Supplier<>() {
            private boolean done;
            private List<String> value;

            @Override
            public synchronized List<String> get() {
                if (!done) {
                    value = supplier == null ? null : supplier.get();
                    done = true;
                }
                return value;
            }
        };
    }
}
