package dev.conveyor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One call as the server saw it, before it is stored: when, which service ({@code codepipeline.amazonaws.com}) and
 * operation, the access key it was signed with (null: unsigned), where it came from, its parameters, the resources it
 * named, and its error code when it failed. The parameters are redacted here, on construction, so that no holder of an
 * event (the queue, the writer, a log line) ever has the secrets.
 */
public record AuditEvent(Instant eventTime, String eventSource, String eventName, String accessKeyId, String sourceIp,
                         String userAgent, JsonNode requestParameters, List<AuditResource> resources, String errorCode,
                         String errorMessage, boolean readOnly, String requestId, boolean secureTransport) {
    public AuditEvent {
        requestParameters = SecretRedaction.redact(requestParameters);
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /** Whether the call failed (including denials). */
    public boolean failed() {
        return errorCode != null;
    }
}
