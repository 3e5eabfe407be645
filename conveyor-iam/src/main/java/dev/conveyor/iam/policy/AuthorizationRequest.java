package dev.conveyor.iam.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a request wants: an action ({@code codepipeline:GetPipeline}), the ARN of the resource it acts on
 * ({@code *} when the action has none), and its context keys ({@code aws:SourceIp}, {@code aws:SecureTransport},
 * {@code aws:ResourceTag/team}, {@code aws:username}, …). Context key names are case-insensitive, as in IAM; a key
 * may carry several values.
 */
public record AuthorizationRequest(String action, String resource, Map<String, List<String>> context) {
    public AuthorizationRequest {
        TreeMap<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        context.forEach((k, v) -> keys.put(k, List.copyOf(v)));
        context = java.util.Collections.unmodifiableMap(keys);
    }

    public AuthorizationRequest(String action, String resource) {
        this(action, resource, Map.of());
    }

    /** The same request with more context keys (those given win). */
    public AuthorizationRequest withContext(Map<String, List<String>> more) {
        TreeMap<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        keys.putAll(context);
        keys.putAll(more);
        return new AuthorizationRequest(action, resource, keys);
    }
}
