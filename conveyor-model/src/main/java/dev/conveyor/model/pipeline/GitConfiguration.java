package dev.conveyor.model.pipeline;

import java.util.List;

/** Push and pull-request filters of a trigger, and the source action they apply to. */
public record GitConfiguration(String sourceActionName, List<GitPushFilter> push, List<GitPullRequestFilter> pullRequest) {
}
