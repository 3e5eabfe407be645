package dev.conveyor.engine;

import dev.conveyor.model.validation.VariableReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Resolves {@code #{namespace.key}} references in configuration values and commands against the variables
 * visible to one action: {@code codepipeline.*} of its execution, {@code variables.*} of the pipeline, and the
 * output variables of actions with a namespace that ran before it.
 */
public final class VariableResolver {
    private final Map<String, Map<String, String>> namespaces;

    /** @param namespaces namespace → (key → value) */
    public VariableResolver(Map<String, Map<String, String>> namespaces) {
        this.namespaces = namespaces;
    }

    /** The result of resolving: the resolved text, or the references that could not be resolved. */
    public record Resolution(String value, List<String> unresolved) {
        public boolean ok() {
            return unresolved.isEmpty();
        }
    }

    /** The value of {@code namespace.key}, or null when no such variable is visible. */
    public String value(String namespace, String key) {
        Map<String, String> space = namespaces.get(namespace);
        return space == null ? null : space.get(key);
    }

    public Resolution resolve(String text) {
        if (text == null || !text.contains("#{")) {
            return new Resolution(text, List.of());
        }
        List<String> unresolved = new ArrayList<>();
        Matcher m = VariableReference.REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = value(m.group(1), m.group(2));
            if (value == null) {
                unresolved.add(m.group());
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
        }
        m.appendTail(out);
        return new Resolution(out.toString(), unresolved);
    }

    /** Resolves every value of a map; the unresolved references of all values are collected. */
    public Map<String, String> resolveAll(Map<String, String> values, Set<String> unresolved) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            Resolution r = resolve(v);
            unresolved.addAll(r.unresolved());
            result.put(k, r.value());
        });
        return result;
    }

    /** Resolves every element of a list. */
    public List<String> resolveAll(List<String> values, Set<String> unresolved) {
        List<String> result = new ArrayList<>();
        for (String v : values) {
            Resolution r = resolve(v);
            unresolved.addAll(r.unresolved());
            result.add(r.value());
        }
        return result;
    }

    /** A fresh set to collect unresolved references in. */
    public static Set<String> collector() {
        return new LinkedHashSet<>();
    }
}
