package dev.conveyor.iam.policy;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a request wants: an action ({@code codepipeline:GetPipeline}), the ARN of the resource it acts on
 * ({@code *} when the action has none), and its context keys ({@code aws:SourceIp}, {@code aws:SecureTransport},
 * {@code aws:ResourceTag/team}, {@code aws:username}, …). Context key names are case-insensitive, as in IAM; a key
 * may carry several values.
 */
public record AuthorizationRequest(String action, String resource, Map<String, List<String>> context) {
    public AuthorizationRequest {
        if (!(context instanceof ContextKeys)) { // a map made here is already a copy, and immutable
            ContextKeys keys = new ContextKeys();
            context.forEach((k, v) -> keys.keys.put(k, List.copyOf(v)));
            context = keys;
        }
    }

    public AuthorizationRequest(String action, String resource) {
        this(action, resource, Map.of());
    }

    /**
     * The same request with more context keys (those given win). Copied once: every signed request is authorized
     * with its principal's keys added, and copying the merged map again was a request's third copy (issue 20).
     */
    public AuthorizationRequest withContext(Map<String, List<String>> more) {
        ContextKeys keys = new ContextKeys();
        keys.keys.putAll(context);
        more.forEach((k, v) -> keys.keys.put(k, List.copyOf(v)));
        return new AuthorizationRequest(action, resource, keys);
    }

    /** The context keys, case-insensitive and unmodifiable; only this record makes one. */
    private static final class ContextKeys extends AbstractMap<String, List<String>> {
        private final TreeMap<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, List<String>> view = Collections.unmodifiableMap(keys);

        @Override
        public Set<Entry<String, List<String>>> entrySet() {
            return view.entrySet();
        }

        @Override
        public List<String> get(Object key) {
            return keys.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return keys.containsKey(key);
        }

        @Override
        public int size() {
            return keys.size();
        }
    }
}
