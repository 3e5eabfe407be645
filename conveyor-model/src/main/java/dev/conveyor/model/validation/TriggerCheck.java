package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.pipeline.GitConfiguration;
import dev.conveyor.model.pipeline.GitPullRequestFilter;
import dev.conveyor.model.pipeline.GitPushFilter;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineTriggerDeclaration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * V2 triggers. A trigger names a CodeStarSourceConnection action of the first stage (the only provider type the
 * model allows), each source action has at most one trigger ("You can only specify one trigger configuration per
 * source action"), a push filter filters on Git tags or on branches and file paths but not both, and a pull
 * request filter names its target branches. Triggers are pipeline-level members, so violations are
 * {@code ValidationException}s.
 */
final class TriggerCheck implements PipelineCheck {
    private final PipelineLimits limits;

    TriggerCheck(PipelineLimits limits) {
        this.limits = limits;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        List<PipelineTriggerDeclaration> triggers = pipeline.triggersOrEmpty();
        if (triggers.size() > limits.maxTriggers()) {
            out.add(new Violation(LimitExceededException.class, PipelinePaths.pipeline("triggers"),
                    "A pipeline can declare at most %d triggers; this one declares %d."
                            .formatted(limits.maxTriggers(), triggers.size())));
        }
        Set<String> triggeredSources = new HashSet<>();
        for (int t = 0; t < triggers.size(); t++) {
            PipelineTriggerDeclaration trigger = triggers.get(t);
            if (trigger == null) {
                continue;
            }
            if (trigger.providerType() != null
                    && !BuiltInActionTypes.CODESTAR_SOURCE_CONNECTION.equals(trigger.providerType())) {
                out.add(new Violation(ValidationException.class, PipelinePaths.trigger(t, "providerType"),
                        "Trigger provider type must be CodeStarSourceConnection, not '%s'."
                                .formatted(trigger.providerType())));
            }
            GitConfiguration git = trigger.gitConfiguration();
            if (git == null) {
                continue;
            }
            checkSourceAction(t, git.sourceActionName(), index, triggeredSources, out);
            checkPushFilters(t, git.push(), out);
            checkPullRequestFilters(t, git.pullRequest(), out);
        }
    }

    private static void checkSourceAction(int t, String name, PipelineIndex index, Set<String> triggeredSources,
            List<Violation> out) {
        if (name == null) {
            return;
        }
        String path = PipelinePaths.trigger(t, "gitConfiguration.sourceActionName");
        if (!triggeredSources.add(name)) {
            out.add(new Violation(ValidationException.class, path,
                    "Source action '%s' already has a trigger; a source action can have only one.".formatted(name)));
            return;
        }
        Optional<LocatedAction> source = index.actionsInStage(0).stream()
                .filter(a -> name.equals(a.name())).findFirst();
        if (source.isEmpty()) {
            out.add(new Violation(ValidationException.class, path,
                    "Trigger names source action '%s', which is not an action of the first stage.".formatted(name)));
        } else if (source.get().typeId() != null
                && !BuiltInActionTypes.CODESTAR_SOURCE_CONNECTION.equals(source.get().typeId().provider())) {
            out.add(new Violation(ValidationException.class, path,
                    "Triggers apply only to CodeStarSourceConnection source actions; action '%s' uses provider '%s'."
                            .formatted(name, source.get().typeId().provider())));
        }
    }

    private static void checkPushFilters(int t, List<GitPushFilter> filters, List<Violation> out) {
        for (int p = 0; filters != null && p < filters.size(); p++) {
            GitPushFilter filter = filters.get(p);
            if (filter != null && filter.tags() != null && (filter.branches() != null || filter.filePaths() != null)) {
                out.add(new Violation(ValidationException.class, PipelinePaths.trigger(t, "gitConfiguration.push[" + p + "]"),
                        "A push filter filters either on Git tags or on branches and file paths, not on both."));
            }
        }
    }

    private static void checkPullRequestFilters(int t, List<GitPullRequestFilter> filters, List<Violation> out) {
        for (int p = 0; filters != null && p < filters.size(); p++) {
            GitPullRequestFilter filter = filters.get(p);
            if (filter != null && filter.branches() == null) {
                out.add(new Violation(ValidationException.class,
                        PipelinePaths.trigger(t, "gitConfiguration.pullRequest[" + p + "].branches"),
                        "A pull request filter must name the target branches it applies to."));
            }
        }
    }
}
