package dev.conveyor.model.pipeline;

import java.util.List;

/** Include and exclude glob patterns for git tags. */
public record GitTagFilterCriteria(List<String> includes, List<String> excludes) {
}
