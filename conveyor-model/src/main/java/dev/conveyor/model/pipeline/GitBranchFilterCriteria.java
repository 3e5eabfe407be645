package dev.conveyor.model.pipeline;

import java.util.List;

/** Include and exclude glob patterns for git branches. */
public record GitBranchFilterCriteria(List<String> includes, List<String> excludes) {
}
