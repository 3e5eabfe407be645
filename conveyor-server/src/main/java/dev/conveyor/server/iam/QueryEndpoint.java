package dev.conveyor.server.iam;

import dev.conveyor.iam.api.QueryApi;
import dev.conveyor.iam.api.QueryRequest;
import dev.conveyor.iam.api.QueryResponse;
import dev.conveyor.iam.errors.IamException;
import dev.conveyor.iam.errors.ValidationErrorException;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.identity.SigningKeys;
import dev.conveyor.server.auth.SigV4Credential;
import dev.conveyor.server.auth.SigV4Verifier;
import dev.conveyor.server.protocol.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves requests signed for {@code iam} or {@code sts} (AWS Query protocol: {@code Action=…&Version=…} in a
 * form-encoded body or the query string). A request signed with a key Conveyor issued must verify with that key's
 * secret (and carry its session token, unexpired); one signed with any other key is taken as the account's, as
 * every API does until enforcement is switched on (docs/security.md).
 */
public final class QueryEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(QueryEndpoint.class);
    /** Larger than any valid request: a policy document is at most 131072 characters, URL-encoded at most thrice that. */
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final QueryApi api;
    private final SigningKeys signingKeys;
    private final Clock clock;
    private final CallObserver observer;
    private Enforcement enforcement;

    /**
     * Authentication and authorization when they are on: every key must be known and verify (through the shared
     * authenticator, with its failure rate limit), and the action ({@code iam:CreateUser}, {@code sts:AssumeRole}…)
     * must be allowed by the caller's policies on its resource (a user, role or policy ARN; the role for AssumeRole).
     */
    public record Enforcement(dev.conveyor.server.auth.RequestAuthenticator authenticator,
                              dev.conveyor.server.auth.OperationAuthorizer authorizer, String accountId) {
    }

    /** Switches enforcement on; returns this endpoint. */
    public QueryEndpoint enforce(Enforcement enforcement) {
        this.enforcement = enforcement;
        return this;
    }

    /** Told of every IAM and STS call once answered (the audit trail listens); {@code errorCode} is null on success. */
    @FunctionalInterface
    public interface CallObserver {
        void completed(String service, String action, Map<String, String> parameters, String accessKeyId, String errorCode,
                       String errorMessage, HttpServletRequest request, String requestId);
    }

    public QueryEndpoint(QueryApi api, SigningKeys signingKeys, Clock clock) {
        this(api, signingKeys, clock, (service, action, parameters, accessKeyId, errorCode, errorMessage, request, requestId) -> { });
    }

    public QueryEndpoint(QueryApi api, SigningKeys signingKeys, Clock clock, CallObserver observer) {
        this.api = api;
        this.signingKeys = signingKeys;
        this.clock = clock;
        this.observer = observer;
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = RequestIds.next();
        SigV4Credential credential = SigV4Credential.fromAuthorization(request.getHeader("Authorization")).orElseThrow();
        String service = credential.service();
        QueryResponse answer;
        Map<String, String> parameters = new HashMap<>();
        String errorCode = null;
        String errorMessage = null;
        try {
            byte[] body = readBody(request);
            parse(request.getQueryString(), parameters);
            parse(new String(body, StandardCharsets.UTF_8), parameters);
            String sessionToken = request.getHeader("X-Amz-Security-Token");
            String bodyHash = sha256Hex(body);
            Principal caller = enforcement == null ? signingKeys.authenticate(credential.accessKeyId(), sessionToken, secret -> {
                // The signature covers the declared payload hash: a body that differs from it must not pass as signed.
                String declared = request.getHeader("x-amz-content-sha256");
                if (declared != null && !declared.equals(bodyHash)) {
                    return Optional.of("The provided 'x-amz-content-sha256' header does not match what was computed.");
                }
                SigV4Verifier.Result result = SigV4Verifier.verify(request, secret, bodyHash, clock.instant());
                return result.valid() ? Optional.empty() : Optional.of(result.message());
            }) : enforced(request, credential, body, bodyHash, service, parameters);
            answer = api.handle(new QueryRequest(service, parameters, caller, credential.accessKeyId(), context(request)), requestId);
        } catch (IamException e) {
            answer = QueryApi.error(service, e, requestId);
            errorCode = e.code();
            errorMessage = e.getMessage();
        } catch (RuntimeException e) {
            LOG.error("{} request {} failed", service, requestId, e);
            answer = QueryApi.internalFailure(service, requestId);
            errorCode = "InternalFailure";
        }
        if (errorCode == null && answer.status() >= 400) { // the API answered the error itself: its code is in the document
            errorCode = element(answer.xml(), "Code");
            errorMessage = element(answer.xml(), "Message");
        }
        observer.completed(service, parameters.get("Action"), parameters, credential.accessKeyId(), errorCode, errorMessage, request,
                requestId);
        byte[] bytes = answer.xml().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setHeader("x-amzn-RequestId", requestId);
        response.setContentType("text/xml;charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Who signed, verified by the shared authenticator, and allowed the action by their policies. */
    private Principal enforced(HttpServletRequest request, SigV4Credential credential, byte[] body, String bodyHash, String service,
                               Map<String, String> parameters) {
        String declared = request.getHeader("x-amz-content-sha256");
        if (declared != null && !declared.equals(bodyHash)) {
            throw new dev.conveyor.iam.errors.SignatureDoesNotMatchException(
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        dev.conveyor.server.auth.Caller caller;
        try {
            caller = enforcement.authenticator().authenticate(request, Optional.of(credential), () -> bodyHash);
        } catch (dev.conveyor.server.auth.AuthenticationException e) {
            throw new QueryAuthenticationFailure(e.queryCode(), e.getMessage());
        } catch (dev.conveyor.server.auth.JobCredentialAuthenticator.AccessDenied e) {
            throw new dev.conveyor.iam.errors.AccessDeniedException(e.getMessage());
        }
        if (caller.principal() == null) { // a job's artifact credentials
            throw new dev.conveyor.iam.errors.AccessDeniedException("These credentials are limited to the artifacts of a job");
        }
        String action = parameters.get("Action");
        if (action != null && !"GetCallerIdentity".equals(action)) { // as in AWS, GetCallerIdentity needs no permission
            String resource = resourceOf(parameters, enforcement.accountId());
            Map<String, List<String>> context = enforcement.authorizer().requestContext(request);
            enforcement.authorizer().require(caller.principal(), new dev.conveyor.iam.policy.AuthorizationRequest(service + ":" + action,
                    resource, context), dev.conveyor.iam.errors.AccessDeniedException::new);
        }
        return caller.principal();
    }

    /** The ARN an IAM or STS action is scoped to: the role for AssumeRole and role actions, the user, the policy; else *. */
    static String resourceOf(Map<String, String> parameters, String accountId) {
        if (parameters.get("RoleArn") != null) {
            return parameters.get("RoleArn");
        }
        if (parameters.get("RoleName") != null) {
            return "arn:aws:iam::" + accountId + ":role/" + parameters.get("RoleName");
        }
        if (parameters.get("UserName") != null) {
            return "arn:aws:iam::" + accountId + ":user/" + parameters.get("UserName");
        }
        if (parameters.get("PolicyArn") != null) {
            return parameters.get("PolicyArn");
        }
        if (parameters.get("PolicyName") != null && "CreatePolicy".equals(parameters.get("Action"))) {
            return "arn:aws:iam::" + accountId + ":policy/" + parameters.get("PolicyName");
        }
        return "*";
    }

    /** An authentication failure in the Query protocol's words (InvalidClientTokenId, SignatureDoesNotMatch, …). */
    static final class QueryAuthenticationFailure extends IamException {
        private final String code;

        QueryAuthenticationFailure(String code, String message) {
            super(message, null, "Throttling".equals(code) ? 400 : 403);
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    /** The text of the first {@code <name>} element of an error document, or null. */
    private static String element(String xml, String name) {
        int start = xml.indexOf("<" + name + ">");
        int end = xml.indexOf("</" + name + ">");
        return start < 0 || end < start ? null : xml.substring(start + name.length() + 2, end);
    }

    /** The context keys policies may test: where the request came from, and whether it came over TLS. */
    private static Map<String, List<String>> context(HttpServletRequest request) {
        return Map.of("aws:SourceIp", List.of(request.getRemoteAddr()),
                "aws:SecureTransport", List.of(Boolean.toString(request.isSecure())));
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ValidationErrorException("The request body is larger than " + MAX_BODY_BYTES + " bytes", "Body");
            }
            return body;
        }
    }

    /** Adds the pairs of an {@code application/x-www-form-urlencoded} string; the first value of a name wins. */
    private static void parse(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                into.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new ValidationErrorException("The request's parameters are not validly URL-encoded", "Body");
            }
        }
    }

    private static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
