package dev.conveyor.server.triggers;

import dev.conveyor.model.pipeline.GitBranchFilterCriteria;
import dev.conveyor.model.pipeline.GitConfiguration;
import dev.conveyor.model.pipeline.GitFilePathFilterCriteria;
import dev.conveyor.model.pipeline.GitPullRequestFilter;
import dev.conveyor.model.pipeline.GitPushFilter;
import dev.conveyor.model.pipeline.GitTagFilterCriteria;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CodePipeline V2 trigger filters ({@code gitConfiguration}) applied to a git event. The event matches when any
 * one of the push (or pull request) filters matches; within a filter every given criterion must match. A
 * criterion matches a value when no exclude pattern matches it and, if there are includes, one of them does:
 * excludes win. Patterns are globs as CodePipeline documents them: {@code *} within a path segment, {@code **}
 * across segments, {@code ?}, {@code [abc]} and {@code {a,b}}. A push filter with tags applies to tag pushes only;
 * one without, to branch pushes. File paths match when some changed file is included and not excluded; when an
 * event does not say which files it changed (a webhook's pull request), only a filter without includes matches.
 */
public final class GitTriggerFilter {
    private static final Map<String, PathMatcher> MATCHERS = new ConcurrentHashMap<>();

    private GitTriggerFilter() {
    }

    public static boolean matches(GitConfiguration git, GitEvent event) {
        if (git == null) {
            return false;
        }
        return switch (event.kind()) {
            case PUSH -> git.push() != null && git.push().stream().anyMatch(f -> f != null && matchesPush(f, event));
            case PULL_REQUEST -> git.pullRequest() != null && git.pullRequest().stream().anyMatch(f -> f != null && matchesPullRequest(f, event));
        };
    }

    static boolean matchesPush(GitPushFilter filter, GitEvent event) {
        if (filter.tags() != null) {
            GitTagFilterCriteria tags = filter.tags();
            return event.tag() != null && matches(tags.includes(), tags.excludes(), event.tag());
        }
        String branch = event.branch();
        if (branch == null) {
            return false;
        }
        GitBranchFilterCriteria branches = filter.branches();
        if (branches != null && !matches(branches.includes(), branches.excludes(), branch)) {
            return false;
        }
        return filter.filePaths() == null || filesMatch(filter.filePaths(), event.changedFiles());
    }

    static boolean matchesPullRequest(GitPullRequestFilter filter, GitEvent event) {
        if (filter.events() != null && !filter.events().isEmpty() && !filter.events().contains(event.pullRequestAction())) {
            return false;
        }
        GitBranchFilterCriteria branches = filter.branches();
        if (branches != null && (event.targetBranch() == null || !matches(branches.includes(), branches.excludes(), event.targetBranch()))) {
            return false;
        }
        return filter.filePaths() == null || filesMatch(filter.filePaths(), event.changedFiles());
    }

    private static boolean filesMatch(GitFilePathFilterCriteria criteria, List<String> files) {
        if (files == null) {
            return criteria.includes() == null || criteria.includes().isEmpty();
        }
        return files.stream().anyMatch(f -> matches(criteria.includes(), criteria.excludes(), f));
    }

    /** Whether {@code value} is included (no includes: everything is) and not excluded. */
    public static boolean matches(List<String> includes, List<String> excludes, String value) {
        if (excludes != null && excludes.stream().anyMatch(p -> glob(p, value))) {
            return false;
        }
        return includes == null || includes.isEmpty() || includes.stream().anyMatch(p -> glob(p, value));
    }

    static boolean glob(String pattern, String value) {
        if (value.isEmpty()) {
            return pattern.isEmpty();
        }
        try {
            return MATCHERS.computeIfAbsent(pattern, p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).matches(Path.of(value));
        } catch (IllegalArgumentException e) {
            return pattern.equals(value); // not a valid glob: compare literally
        }
    }
}
