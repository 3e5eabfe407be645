package dev.conveyor.server.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.model.pipeline.GitBranchFilterCriteria;
import dev.conveyor.model.pipeline.GitConfiguration;
import dev.conveyor.model.pipeline.GitFilePathFilterCriteria;
import dev.conveyor.model.pipeline.GitPullRequestFilter;
import dev.conveyor.model.pipeline.GitPushFilter;
import dev.conveyor.model.pipeline.GitTagFilterCriteria;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The V2 trigger filters' semantics, one rule at a time. */
class GitTriggerFilterTest {
    private static GitEvent push(String ref, String... files) {
        return GitEvent.push(ref, "c0ffee", () -> List.of(files), null);
    }

    private static GitConfiguration pushes(GitPushFilter... filters) {
        return new GitConfiguration("Source", List.of(filters), null);
    }

    private static GitBranchFilterCriteria branches(List<String> includes, List<String> excludes) {
        return new GitBranchFilterCriteria(includes, excludes);
    }

    @Test
    void branchGlobsStayWithinASegmentUnlessDoubled() {
        GitConfiguration one = pushes(new GitPushFilter(null, branches(List.of("feature/*"), null), null));
        GitConfiguration deep = pushes(new GitPushFilter(null, branches(List.of("feature/**"), null), null));
        assertThat(GitTriggerFilter.matches(one, push("refs/heads/feature/login"))).isTrue();
        assertThat(GitTriggerFilter.matches(one, push("refs/heads/feature/login/v2"))).isFalse();
        assertThat(GitTriggerFilter.matches(deep, push("refs/heads/feature/login/v2"))).isTrue();
        assertThat(GitTriggerFilter.matches(one, push("refs/heads/main"))).isFalse();
        assertThat(GitTriggerFilter.matches(pushes(new GitPushFilter(null, branches(List.of("{main,release-?}"), null), null)),
                push("refs/heads/release-7"))).isTrue();
    }

    @Test
    void excludesWinOverIncludesAndNoIncludesMeansEverything() {
        GitConfiguration both = pushes(new GitPushFilter(null, branches(List.of("release/**"), List.of("release/old*")), null));
        assertThat(GitTriggerFilter.matches(both, push("refs/heads/release/2"))).isTrue();
        assertThat(GitTriggerFilter.matches(both, push("refs/heads/release/old-1"))).isFalse();
        GitConfiguration excludeOnly = pushes(new GitPushFilter(null, branches(null, List.of("wip/**")), null));
        assertThat(GitTriggerFilter.matches(excludeOnly, push("refs/heads/anything"))).isTrue();
        assertThat(GitTriggerFilter.matches(excludeOnly, push("refs/heads/wip/x"))).isFalse();
    }

    @Test
    void filePathsNeedOneChangedFileIncludedAndNotExcluded() {
        GitConfiguration code = pushes(new GitPushFilter(null, branches(List.of("main"), null),
                new GitFilePathFilterCriteria(List.of("src/**"), List.of("src/**/*.md"))));
        assertThat(GitTriggerFilter.matches(code, push("refs/heads/main", "docs/a.md", "src/app/Main.java"))).isTrue();
        assertThat(GitTriggerFilter.matches(code, push("refs/heads/main", "src/app/README.md"))).isFalse();
        assertThat(GitTriggerFilter.matches(code, push("refs/heads/main", "docs/a.md"))).isFalse();
        assertThat(GitTriggerFilter.matches(code, GitEvent.push("refs/heads/main", "c0ffee", () -> null, null)))
                .as("unknown files cannot satisfy includes").isFalse();
    }

    @Test
    void tagFiltersApplyToTagPushesOnlyAndBranchFiltersToBranchPushesOnly() {
        GitConfiguration tags = pushes(new GitPushFilter(new GitTagFilterCriteria(List.of("v*"), List.of("v*-rc*")), null, null));
        assertThat(GitTriggerFilter.matches(tags, push("refs/tags/v1.2"))).isTrue();
        assertThat(GitTriggerFilter.matches(tags, push("refs/tags/v1.3-rc1"))).isFalse();
        assertThat(GitTriggerFilter.matches(tags, push("refs/heads/v1"))).isFalse();
        GitConfiguration anyBranch = pushes(new GitPushFilter(null, null, new GitFilePathFilterCriteria(List.of("**"), null)));
        assertThat(GitTriggerFilter.matches(anyBranch, push("refs/tags/v1", "a.txt"))).isFalse();
        assertThat(GitTriggerFilter.matches(anyBranch, push("refs/heads/x", "a.txt"))).isTrue();
    }

    @Test
    void pullRequestFiltersMatchEventsAndTheDestinationBranch() {
        GitConfiguration prs = new GitConfiguration("Source", null, List.of(new GitPullRequestFilter(List.of("OPEN", "UPDATED"),
                branches(List.of("main"), null), null)));
        assertThat(GitTriggerFilter.matches(prs, GitEvent.pullRequest("OPEN", "feature", "main", "c0ffee", () -> null, null))).isTrue();
        assertThat(GitTriggerFilter.matches(prs, GitEvent.pullRequest("CLOSED", "feature", "main", "c0ffee", () -> null, null))).isFalse();
        assertThat(GitTriggerFilter.matches(prs, GitEvent.pullRequest("UPDATED", "feature", "develop", "c0ffee", () -> null, null))).isFalse();
        assertThat(GitTriggerFilter.matches(prs, push("refs/heads/main"))).as("a push is not a pull request").isFalse();
    }
}
