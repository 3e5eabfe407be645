package dev.conveyor.iam;

import dev.conveyor.iam.policy.MalformedPolicyException;
import dev.conveyor.iam.policy.NamedPolicy;
import dev.conveyor.iam.policy.PolicyDocument;
import dev.conveyor.iam.policy.PolicyParser;
import dev.conveyor.iam.policy.Statement;
import dev.conveyor.iam.store.BucketPolicyRepository;
import dev.conveyor.iam.identity.IdentityCache;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * S3 bucket policies: PutBucketPolicy's validation (as S3 refuses a policy, with MalformedPolicy's messages), their
 * durable storage, and the parsed policy a request on the bucket is evaluated with ({@link Authorizer#authorize(
 * dev.conveyor.iam.identity.Principal, dev.conveyor.iam.policy.AuthorizationRequest, List)}). A bucket policy is a
 * resource-based policy: every statement names a {@code Principal} ({@code "*"} or {@code {"AWS": [...]}}) and
 * resources of its own bucket, and its actions are S3's.
 */
public final class BucketPolicies {
    /** S3's limit on a bucket policy's size. */
    public static final int MAX_BYTES = 20 * 1024;

    private final BucketPolicyRepository repository;
    private final IdentityCache cache;
    private final Clock clock;

    public BucketPolicies(BucketPolicyRepository repository, IdentityCache cache, Clock clock) {
        this.repository = repository;
        this.cache = cache;
        this.clock = clock;
    }

    /** Validates and stores {@code document} as {@code bucket}'s policy; throws {@link MalformedPolicyException}. */
    public void put(String bucket, String document) {
        validate(bucket, document);
        repository.put(bucket, document, clock.instant());
    }

    /** The document as stored, if the bucket has a policy. */
    public Optional<String> find(String bucket) {
        return repository.find(bucket);
    }

    /** Removes the bucket's policy (nothing when it has none). */
    public void delete(String bucket) {
        repository.delete(bucket);
    }

    /** The bucket's policy as evaluated with a request on the bucket or its objects: none, or one. */
    public List<NamedPolicy> policiesOf(String bucket) {
        if (bucket == null) {
            return List.of();
        }
        // Kept in memory until any IAM change (a bucket without a policy too: most buckets have none).
        return cache.derived("bucket-policy:" + bucket, () -> repository.find(bucket)
                .map(text -> List.of(new NamedPolicy("the bucket policy of " + bucket, PolicyParser.parse(text, PolicyParser.Kind.RESOURCE))))
                .orElse(List.of()));
    }

    static PolicyDocument validate(String bucket, String document) {
        if (document == null || document.isBlank()) {
            throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
        }
        if (document.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new MalformedPolicyException("Policy exceeds the maximum allowed document size.");
        }
        PolicyDocument parsed;
        try {
            parsed = PolicyParser.parse(document, PolicyParser.Kind.RESOURCE);
        } catch (MalformedPolicyException e) {
            throw "Syntax errors in policy.".equals(e.getMessage()) ? new MalformedPolicyException("This policy contains invalid Json") : e;
        }
        String bucketArn = ResourceArns.bucket(bucket);
        for (Statement statement : parsed.statements()) {
            for (String action : statement.actions()) {
                if (!"*".equals(action) && !action.toLowerCase(Locale.ROOT).startsWith("s3:")) {
                    throw new MalformedPolicyException("Policy has invalid action");
                }
            }
            for (String resource : statement.resources()) {
                if (!resource.equals(bucketArn) && !resource.startsWith(bucketArn + "/")) {
                    throw new MalformedPolicyException("Policy has invalid resource");
                }
            }
            for (var principal : statement.principals().entrySet()) {
                for (String value : principal.getValue()) {
                    if ("AWS".equals(principal.getKey()) && !"*".equals(value) && !value.matches("\\d{12}")
                            && !value.matches("arn:aws:(iam|sts)::\\d{12}:.+")) {
                        throw new MalformedPolicyException("Invalid principal in policy");
                    }
                }
            }
        }
        return parsed;
    }
}
