package dev.conveyor.engine.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The rule providers this engine runs, by provider name; the server registers those that reach other services. */
public final class RuleProviders {
    private final Map<String, RuleProvider> providers = new ConcurrentHashMap<>();

    public RuleProviders register(RuleProvider provider) {
        providers.put(provider.provider(), provider);
        return this;
    }

    public Optional<RuleProvider> find(String provider) {
        return Optional.ofNullable(providers.get(provider));
    }

    /** The provider names that run here (ListRuleTypes answers these). */
    public List<String> names() {
        return providers.keySet().stream().sorted().toList();
    }
}
