package dev.conveyor.server.auth;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.iam.Authorizer;
import dev.conveyor.iam.BucketPolicies;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision;
import dev.conveyor.iam.policy.MalformedPolicyException;
import dev.conveyor.server.s3.S3Actions;
import dev.conveyor.server.s3.S3Protocol;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Authorization of S3 requests with the bucket's policy and the caller's own policies together, as AWS evaluates a
 * request within one account: an explicit Deny in either wins, an Allow in either grants ({@link Authorizer}). An
 * unsigned request (the {@link Principal.Anonymous} caller) is let in only where the bucket policy allows
 * {@code "*"}; refused, it gets the answer unsigned requests always got ({@code AccessDenied}, "Access Denied").
 * Also the store behind PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy. Callers without a principal (the
 * open {@code --auth none} mode) are not checked; job credentials are scoped by the S3 endpoint before this.
 */
public final class BucketPolicyAuthorization implements S3Protocol.Authorization, S3Protocol.BucketPolicyStore {
    private final Authorizer authorizer;
    private final BucketPolicies policies;
    private final OperationAuthorizer context;

    public BucketPolicyAuthorization(Authorizer authorizer, BucketPolicies policies, OperationAuthorizer context) {
        this.authorizer = authorizer;
        this.policies = policies;
        this.context = context;
    }

    @Override
    public void check(Caller caller, S3Actions.Need need, HttpServletRequest request) {
        Principal principal = caller.principal();
        if (principal == null) {
            return;
        }
        AuthorizationRequest asked = new AuthorizationRequest(need.action(), need.resource(), context.requestContext(request));
        Decision decision = authorizer.authorize(principal, asked, policies.policiesOf(bucketOf(need.resource())));
        if (!decision.allowed()) {
            String message = principal instanceof Principal.Anonymous ? "Access Denied" : decision.denialMessage(principal.arn(), asked);
            throw new S3Exception(S3ErrorCode.AccessDenied, message, request.getRequestURI());
        }
    }

    /** The bucket of {@code arn:aws:s3:::bucket} or {@code arn:aws:s3:::bucket/key}; null for {@code *}. */
    static String bucketOf(String resource) {
        String prefix = "arn:aws:s3:::";
        if (!resource.startsWith(prefix)) {
            return null;
        }
        String rest = resource.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    @Override
    public void put(String bucket, String document) {
        try {
            policies.put(bucket, document);
        } catch (MalformedPolicyException e) {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, e.getMessage(), "/" + bucket);
        }
    }

    @Override
    public Optional<String> find(String bucket) {
        return policies.find(bucket);
    }

    @Override
    public void delete(String bucket) {
        policies.delete(bucket);
    }
}
