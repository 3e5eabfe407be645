package dev.conveyor.model.pipeline;

import java.util.List;

/** Include and exclude glob patterns for changed file paths. */
public record GitFilePathFilterCriteria(List<String> includes, List<String> excludes) {
}
