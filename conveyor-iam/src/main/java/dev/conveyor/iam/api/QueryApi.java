package dev.conveyor.iam.api;

import dev.conveyor.iam.errors.IamException;
import dev.conveyor.iam.errors.InvalidActionException;
import dev.conveyor.iam.identity.PolicyCatalog;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.Users;
import dev.conveyor.store.StorageFaults;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IAM and STS endpoints over the AWS Query protocol: the {@code Action} parameter chooses the operation of the
 * service the request was signed for; the answer is the operation's XML, or IAM's/STS's {@code <ErrorResponse>}.
 * Faults of Conveyor itself are answered as ServiceFailure/InternalFailure without details (logged here).
 */
public final class QueryApi {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    private final Map<String, Operation> iam;
    private final Map<String, Operation> sts;

    public QueryApi(Users users, PolicyCatalog policies, Roles roles) {
        this.iam = new IamOperations(users, policies, roles).operations();
        this.sts = new StsOperations(roles).operations();
    }

    /** True when this API serves requests signed for {@code service}. */
    public static boolean serves(String service) {
        return "iam".equals(service) || "sts".equals(service);
    }

    public QueryResponse handle(QueryRequest request) {
        return handle(request, UUID.randomUUID().toString());
    }

    public QueryResponse handle(QueryRequest request, String requestId) {
        boolean isIam = "iam".equals(request.service());
        String namespace = isIam ? IamOperations.NAMESPACE : StsOperations.NAMESPACE;
        String action = request.parameters().get("Action");
        try {
            Operation operation = action == null ? null : (isIam ? iam : sts).get(action);
            if (operation == null) {
                throw new InvalidActionException(action == null ? "Missing Action parameter"
                        : "Could not find operation " + action + " for version " + (isIam ? "2010-05-08" : "2011-06-15"), "Action");
            }
            Xml xml = Xml.response(action, namespace, !(isIam && IamOperations.NO_RESULT.contains(action)));
            operation.run(new Params(request.parameters()), request, xml);
            return new QueryResponse(200, xml.finish(requestId));
        } catch (IamException e) {
            return error(request.service(), e, requestId);
        } catch (RuntimeException e) {
            if (StorageFaults.isUnavailable(e)) {
                // A full disk or an unreachable database: nothing was done, and the SDKs and the CLI retry a 503.
                LOG.warn("{} {} failed on unavailable storage (request {}): {}", request.service(), action, requestId, e.toString());
                return serviceUnavailable(request.service(), requestId);
            }
            LOG.error("{} {} failed (request {})", request.service(), action, requestId, e);
            return internalFailure(request.service(), requestId);
        }
    }

    /** The answer to a passing fault of the storage underneath: AWS's common ServiceUnavailable, a 503. */
    public static QueryResponse serviceUnavailable(String service, String requestId) {
        boolean isIam = "iam".equals(service);
        return new QueryResponse(503, Xml.error(isIam ? IamOperations.NAMESPACE : StsOperations.NAMESPACE, false,
                "ServiceUnavailable", "The request has failed due to a temporary failure of the server; retry it later.", requestId));
    }

    /** The answer to a fault of Conveyor itself: no details (they are logged), as AWS answers. */
    public static QueryResponse internalFailure(String service, String requestId) {
        boolean isIam = "iam".equals(service);
        return new QueryResponse(500, Xml.error(isIam ? IamOperations.NAMESPACE : StsOperations.NAMESPACE, false,
                isIam ? "ServiceFailure" : "InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.", requestId));
    }

    /** The error document of {@code service} for an error found before an operation runs (e.g. an expired token). */
    public static QueryResponse error(String service, IamException e, String requestId) {
        String namespace = "iam".equals(service) ? IamOperations.NAMESPACE : StsOperations.NAMESPACE;
        return new QueryResponse(e.httpStatus(), Xml.error(namespace, e.senderFault(), e.code(), e.getMessage(), requestId));
    }
}
