package dev.conveyor.model.pipeline;

import java.util.List;

/** Which pull request events start the pipeline: by event, target branch and changed file path. */
public record GitPullRequestFilter(List<String> events, GitBranchFilterCriteria branches, GitFilePathFilterCriteria filePaths) {
}
