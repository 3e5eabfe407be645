package dev.conveyor.iam.api;

import dev.conveyor.iam.identity.Principal;
import java.util.List;
import java.util.Map;

/**
 * A Query protocol request as the server hands it over: the service it was signed for ({@code iam} or
 * {@code sts}), its parameters (form body and query string, decoded), who signed it and with which access key, and
 * the context keys policies may test ({@code aws:SourceIp}, {@code aws:SecureTransport}).
 */
public record QueryRequest(String service, Map<String, String> parameters, Principal caller, String accessKeyId,
                           Map<String, List<String>> context) {
    public QueryRequest {
        parameters = Map.copyOf(parameters);
        context = Map.copyOf(context);
    }
}
