package dev.conveyor.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.audit.AuditEvent;
import dev.conveyor.audit.AuditResource;
import dev.conveyor.audit.AuditTrail;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.protocol.CallObserver;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Describes each answered call to the audit trail, once, whatever protocol served it. Kept: every call that changes
 * something, and every call that failed (denials included). Not kept: read-only calls that succeeded (Get*, List*,
 * Describe*, BatchGet*, Lookup*, S3 GET and HEAD) and the polling and log shipping of workers and agents, which happen
 * every few seconds per worker and change nothing an auditor asks about (PollForJobs, PollForThirdPartyJobs,
 * PollForAgentJobs, RenewAgentJobLease, AppendActionLog, SendAgentJobRequest). Conveyor's agent API calls are kept
 * without parameters: they carry job output.
 */
public final class CallAuditor implements CallObserver {
    /** The request attribute S3's error writer leaves its error code in, for the audit trail to read. */
    public static final String S3_ERROR_CODE = "dev.conveyor.audit.s3ErrorCode";
    private static final Set<String> NOT_RECORDED = Set.of("PollForJobs", "PollForThirdPartyJobs", "PollForAgentJobs",
            "RenewAgentJobLease", "AppendActionLog", "SendAgentJobRequest");
    private static final String AGENT_SIGNING_NAME = "conveyor";

    private final AuditTrail trail;
    private final Clock clock;

    public CallAuditor(AuditTrail trail, Clock clock) {
        this.trail = trail;
        this.clock = clock;
    }

    /** Whether an operation of this name only reads. */
    static boolean readOnly(String operation) {
        return operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe")
                || operation.startsWith("BatchGet") || operation.startsWith("Lookup") || operation.startsWith("Head");
    }

    private static boolean worthKeeping(String operation, boolean readOnly, boolean failed) {
        return failed || (!readOnly && !NOT_RECORDED.contains(operation));
    }

    /** An AWS JSON call (CodePipeline, CodeBuild, SSM, Secrets Manager, connections, CloudTrail, the agent API). */
    @Override
    public void completed(JsonService service, String operation, JsonNode input, ServiceException error, HttpServletRequest request,
                          RequestContext context) {
        boolean readOnly = readOnly(operation);
        if (!worthKeeping(operation, readOnly, error != null)) {
            return;
        }
        String signingName = service == null ? "unknown" : service.model().signingName();
        boolean agentApi = AGENT_SIGNING_NAME.equals(signingName);
        trail.record(new AuditEvent(context.receivedAt(), eventSource(signingName), operation, accessKeyId(context.caller()),
                request.getRemoteAddr(), request.getHeader("User-Agent"), agentApi ? null : input,
                input == null ? List.of() : ResourceNames.of(signingName, input), error == null ? null : error.errorType(),
                error == null ? null : error.getMessage(), readOnly, context.requestId(), request.isSecure()));
    }

    /** A call signed for S3 (or anonymous), once answered; its error code is what S3's error writer left on the request. */
    public void s3(HttpServletRequest request, HttpServletResponse response, Caller caller) {
        String errorCode = (String) request.getAttribute(S3_ERROR_CODE);
        String method = request.getMethod();
        boolean readOnly = "GET".equals(method) || "HEAD".equals(method);
        String path = URLDecoder.decode(request.getRequestURI().replace("+", "%2B"), StandardCharsets.UTF_8);
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int slash = trimmed.indexOf('/');
        String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
        String key = slash < 0 || slash == trimmed.length() - 1 ? null : trimmed.substring(slash + 1);
        String operation = S3Operations.name(method, bucket, key, request);
        if (!worthKeeping(operation, readOnly, errorCode != null || response.getStatus() >= 400)) {
            return;
        }
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        List<AuditResource> resources = new java.util.ArrayList<>();
        if (!bucket.isEmpty()) {
            parameters.put("bucketName", bucket);
            resources.add(new AuditResource("AWS::S3::Bucket", bucket));
        }
        if (key != null) {
            parameters.put("key", key);
            resources.add(new AuditResource("AWS::S3::Object", bucket + "/" + key));
        }
        for (String name : List.of("versionId", "uploadId", "partNumber")) {
            if (request.getParameter(name) != null) {
                parameters.put(name, request.getParameter(name));
            }
        }
        String encryption = request.getHeader("x-amz-server-side-encryption");
        if (encryption != null) {
            parameters.put("x-amz-server-side-encryption", encryption);
        }
        trail.record(new AuditEvent(clock.instant(), "s3.amazonaws.com", operation, accessKeyId(caller), request.getRemoteAddr(),
                request.getHeader("User-Agent"), parameters, resources,
                errorCode != null ? errorCode : response.getStatus() >= 400 ? "HTTP" + response.getStatus() : null, null, readOnly,
                requestId(response), request.isSecure()));
    }

    /** An IAM or STS Query call. */
    public void query(String service, String action, Map<String, String> parameters, String accessKeyId, String errorCode,
                      String errorMessage, HttpServletRequest request, String requestId) {
        String operation = action == null ? "Unknown" : action;
        boolean readOnly = readOnly(operation);
        if (!worthKeeping(operation, readOnly, errorCode != null)) {
            return;
        }
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        parameters.forEach((name, value) -> {
            if (!name.equals("Action") && !name.equals("Version")) {
                input.put(name, value);
            }
        });
        trail.record(new AuditEvent(clock.instant(), service + ".amazonaws.com", operation, accessKeyId, request.getRemoteAddr(),
                request.getHeader("User-Agent"), input, ResourceNames.of(service, input), errorCode, errorMessage, readOnly, requestId,
                request.isSecure()));
    }

    /**
     * A webhook delivery (it may start executions). Neither its body nor its URL's token is kept: the token is what
     * lets a forge deliver, and the body is the forge's.
     */
    public void webhook(HttpServletRequest request, HttpServletResponse response) {
        int status = response.getStatus();
        String errorCode = status < 400 ? null : status == 401 || status == 403 ? "AccessDenied"
                : status == 404 ? "WebhookNotFoundException" : "HTTP" + status;
        trail.record(new AuditEvent(clock.instant(), "codepipeline.amazonaws.com", "WebhookDelivery", null, request.getRemoteAddr(),
                request.getHeader("User-Agent"), null, List.of(), errorCode, null, false, RequestIds.next(), request.isSecure()));
    }

    /** A push to a hosted repository (CodeCommit's GitPush event). */
    public void gitPush(String repository, HttpServletRequest request, HttpServletResponse response) {
        int status = response.getStatus();
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("repositoryName", repository);
        trail.record(new AuditEvent(clock.instant(), "codecommit.amazonaws.com", "GitPush",
                (String) request.getAttribute(dev.conveyor.server.git.GitAccess.ACCESS_KEY_ID), request.getRemoteAddr(),
                request.getHeader("User-Agent"), parameters, List.of(new AuditResource("AWS::CodeCommit::Repository", repository)),
                status >= 400 ? "HTTP" + status : null, null, false, RequestIds.next(), request.isSecure()));
    }

    /** CloudTrail's eventSource for a SigV4 signing name; Conveyor's own agent API gets a name of its own. */
    static String eventSource(String signingName) {
        return AGENT_SIGNING_NAME.equals(signingName) ? "agent.conveyor.dev" : signingName + ".amazonaws.com";
    }

    private static String accessKeyId(Caller caller) {
        return caller == null || Caller.ANONYMOUS.accessKeyId().equals(caller.accessKeyId()) ? null : caller.accessKeyId();
    }

    private static String requestId(HttpServletResponse response) {
        String id = response.getHeader("x-amz-request-id");
        return id != null ? id : RequestIds.next();
    }

    /** A git request over HTTP refused for its credentials (401) or denied by policy (403): CodeCommit's GitPush or GitPull. */
    public void gitRefused(String operation, String repository, String accessKeyId, String errorCode, String message,
                           HttpServletRequest request) {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("repositoryName", repository);
        trail.record(new AuditEvent(clock.instant(), "codecommit.amazonaws.com", operation, accessKeyId, request.getRemoteAddr(),
                request.getHeader("User-Agent"), parameters, List.of(new AuditResource("AWS::CodeCommit::Repository", repository)),
                errorCode, message, "GitPull".equals(operation), RequestIds.next(), request.isSecure()));
    }
}
