package dev.conveyor.model.pipeline;

/** Which pushes start the pipeline: by tag, branch and changed file path. */
public record GitPushFilter(GitTagFilterCriteria tags, GitBranchFilterCriteria branches, GitFilePathFilterCriteria filePaths) {
}
