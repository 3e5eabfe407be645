package dev.conveyor.engine;

import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How long an action may run before it fails, by provider and then by category, as CodePipeline's quotas set
 * them. An action's own {@code timeoutInMinutes} wins over both.
 */
public final class ActionTimeouts {
    private final Map<String, Duration> byProvider;
    private final Map<String, Duration> byCategory;
    private final Duration fallback;

    private ActionTimeouts(Map<String, Duration> byProvider, Map<String, Duration> byCategory, Duration fallback) {
        this.byProvider = Map.copyOf(byProvider);
        this.byCategory = Map.copyOf(byCategory);
        this.fallback = fallback;
    }

    /** CodePipeline's published action timeouts. */
    public static ActionTimeouts codePipelineDefaults() {
        Map<String, Duration> providers = new HashMap<>();
        providers.put("CodeBuild", Duration.ofHours(8));
        providers.put("CodeDeploy", Duration.ofDays(5));
        providers.put("CloudFormation", Duration.ofDays(3));
        providers.put("ECS", Duration.ofHours(1));
        providers.put("Lambda", Duration.ofHours(1));
        providers.put("StepFunctions", Duration.ofDays(7));
        providers.put("Commands", Duration.ofMinutes(55));
        providers.put("Manual", Duration.ofDays(7));
        Map<String, Duration> categories = new HashMap<>();
        categories.put("Source", Duration.ofHours(1));
        categories.put("Build", Duration.ofHours(8));
        categories.put("Test", Duration.ofHours(8));
        categories.put("Deploy", Duration.ofHours(1));
        categories.put("Invoke", Duration.ofHours(1));
        categories.put("Approval", Duration.ofDays(7));
        categories.put("Compute", Duration.ofMinutes(55));
        return new ActionTimeouts(providers, categories, Duration.ofHours(24));
    }

    /** The same timeouts with every category and provider capped at {@code max} (tests, small installations). */
    public ActionTimeouts cappedAt(Duration max) {
        Map<String, Duration> providers = new HashMap<>();
        byProvider.forEach((k, v) -> providers.put(k, v.compareTo(max) > 0 ? max : v));
        Map<String, Duration> categories = new HashMap<>();
        byCategory.forEach((k, v) -> categories.put(k, v.compareTo(max) > 0 ? max : v));
        return new ActionTimeouts(providers, categories, fallback.compareTo(max) > 0 ? max : fallback);
    }

    public Duration timeoutOf(ActionDeclaration action) {
        if (action.timeoutInMinutes() != null) {
            return Duration.ofMinutes(action.timeoutInMinutes());
        }
        ActionTypeId type = action.actionTypeId();
        if ("Custom".equals(type.owner())) {
            return fallback; // custom action types: 24 hours, as CodePipeline gives job workers
        }
        Duration provider = byProvider.get(type.provider());
        if (provider != null) {
            return provider;
        }
        return byCategory.getOrDefault(type.category(), fallback);
    }
}
