package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.DeleteConflictException;
import dev.conveyor.iam.errors.EntityAlreadyExistsException;
import dev.conveyor.iam.errors.LimitExceededException;
import dev.conveyor.iam.errors.NoSuchEntityException;
import dev.conveyor.iam.policy.PolicyParser;
import dev.conveyor.iam.store.AccessKeyRow;
import dev.conveyor.iam.store.InlinePolicyRow;
import dev.conveyor.iam.store.PolicyRepository;
import dev.conveyor.iam.store.PolicyRow;
import dev.conveyor.iam.store.UserRepository;
import dev.conveyor.iam.store.UserRow;
import java.time.Clock;
import java.util.List;

/** IAM users, their access keys, and the policies attached to them or inline in them. */
public final class Users {
    /** IAM's quotas: access keys per user, managed policies attached per user. */
    static final int MAX_ACCESS_KEYS = 2;
    static final int MAX_ATTACHED_POLICIES = 10;

    private final UserRepository users;
    private final PolicyRepository policies;
    private final SecretSealer sealer;
    private final Names names;
    private final Clock clock;

    public Users(UserRepository users, PolicyRepository policies, SecretSealer sealer, Names names, Clock clock) {
        this.users = users;
        this.policies = policies;
        this.sealer = sealer;
        this.names = names;
        this.clock = clock;
    }

    public UserRow create(String name, String path) {
        UserRow user = new UserRow(name, AwsIds.userId(), path, names.user(path, name), clock.instant());
        if (!users.insert(user)) {
            throw new EntityAlreadyExistsException("User with name " + name + " already exists.", "UserName");
        }
        return user;
    }

    public UserRow get(String name) {
        return users.find(name).orElseThrow(() -> notFound(name));
    }

    /** The user named {@code name}, when it exists. */
    public java.util.Optional<UserRow> find(String name) {
        return users.find(name);
    }

    public List<UserRow> list(String pathPrefix) {
        return users.list(pathPrefix);
    }

    /** Deletes a user; refused while it holds access keys or policies, as IAM does. */
    public void delete(String name) {
        switch (users.delete(name)) {
            case NOT_FOUND -> throw notFound(name);
            case HAS_ACCESS_KEYS -> throw new DeleteConflictException("Cannot delete entity, must delete access keys first.", "UserName");
            case HAS_ATTACHED_POLICIES -> throw new DeleteConflictException("Cannot delete entity, must detach all policies first.", "UserName");
            case HAS_INLINE_POLICIES -> throw new DeleteConflictException("Cannot delete entity, must delete policies first.", "UserName");
            case DELETED -> { }
        }
    }

    public NewAccessKey createAccessKey(String userName) {
        String id = AwsIds.accessKeyId();
        String secret = AwsIds.secretAccessKey();
        AccessKeyRow row = new AccessKeyRow(id, userName, "Active", sealer.seal(id, secret), clock.instant());
        switch (users.insertAccessKey(row, MAX_ACCESS_KEYS)) {
            case NO_SUCH_ENTITY -> throw notFound(userName);
            case LIMIT_EXCEEDED -> throw new LimitExceededException("Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS);
            default -> { }
        }
        return new NewAccessKey(row, secret);
    }

    /**
     * Gives a user an access key whose id and secret are chosen by the operator (the administrator key configured at
     * start, as MinIO's root user): a key of that id held by the user already gets this secret and is made active.
     */
    public NewAccessKey importAccessKey(String userName, String accessKeyId, String secretAccessKey) {
        AccessKeyRow row = new AccessKeyRow(accessKeyId, userName, "Active", sealer.seal(accessKeyId, secretAccessKey), clock.instant());
        var existing = users.findAccessKey(accessKeyId);
        if (existing.isPresent()) {
            if (!existing.get().userName().equals(userName)) {
                throw new dev.conveyor.iam.errors.EntityAlreadyExistsException("The access key " + accessKeyId
                        + " belongs to another user.");
            }
            users.deleteAccessKey(userName, accessKeyId);
        }
        switch (users.insertAccessKey(row, MAX_ACCESS_KEYS)) {
            case NO_SUCH_ENTITY -> throw notFound(userName);
            case LIMIT_EXCEEDED -> throw new LimitExceededException("Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS);
            default -> { }
        }
        return new NewAccessKey(row, secretAccessKey);
    }

    public List<AccessKeyRow> accessKeys(String userName) {
        get(userName);
        return users.accessKeys(userName);
    }

    public void updateAccessKey(String userName, String accessKeyId, String status) {
        get(userName);
        if (!users.updateAccessKeyStatus(userName, accessKeyId, status)) {
            throw keyNotFound(accessKeyId);
        }
    }

    public void deleteAccessKey(String userName, String accessKeyId) {
        get(userName);
        if (!users.deleteAccessKey(userName, accessKeyId)) {
            throw keyNotFound(accessKeyId);
        }
    }

    /** The user an access key belongs to (for operations whose UserName defaults to the caller's). */
    public java.util.Optional<String> ownerOf(String accessKeyId) {
        return users.findAccessKey(accessKeyId).map(AccessKeyRow::userName);
    }

    public void attachPolicy(String userName, String policyArn) {
        get(userName);
        policies.find(policyArn).orElseThrow(() -> PolicyCatalog.notFound(policyArn));
        switch (users.attachPolicy(userName, policyArn, MAX_ATTACHED_POLICIES)) {
            case NO_SUCH_ENTITY -> throw notFound(userName);
            case LIMIT_EXCEEDED -> throw new LimitExceededException("Cannot exceed quota for PoliciesPerUser: " + MAX_ATTACHED_POLICIES);
            default -> { }
        }
    }

    public void detachPolicy(String userName, String policyArn) {
        get(userName);
        if (!users.detachPolicy(userName, policyArn)) {
            throw new NoSuchEntityException("Policy " + policyArn + " was not found.", "PolicyArn");
        }
    }

    /** The managed policies attached to a user, by ARN. */
    public List<PolicyRow> attachedPolicies(String userName) {
        get(userName);
        return users.attachedPolicies(userName).stream().flatMap(arn -> policies.find(arn).stream()).toList();
    }

    public void putInlinePolicy(String userName, String policyName, String document) {
        PolicyDocuments.parse(document, PolicyParser.Kind.IDENTITY, "PolicyDocument");
        int others = users.inlinePolicies(userName).stream().filter(p -> !p.policyName().equals(policyName))
                .mapToInt(p -> PolicyDocuments.size(p.document())).sum();
        PolicyDocuments.checkSize(others + PolicyDocuments.size(document), PolicyDocuments.USER_INLINE_POLICIES_SIZE, "PolicySize");
        if (!users.putInlinePolicy(userName, policyName, document)) {
            throw notFound(userName);
        }
    }

    public String inlinePolicy(String userName, String policyName) {
        get(userName);
        return users.inlinePolicy(userName, policyName).orElseThrow(() -> inlineNotFound(userName, policyName));
    }

    public List<InlinePolicyRow> inlinePolicies(String userName) {
        return users.inlinePolicies(userName);
    }

    public void deleteInlinePolicy(String userName, String policyName) {
        get(userName);
        if (!users.deleteInlinePolicy(userName, policyName)) {
            throw inlineNotFound(userName, policyName);
        }
    }

    static NoSuchEntityException notFound(String name) {
        return new NoSuchEntityException("The user with name " + name + " cannot be found.", "UserName");
    }

    private static NoSuchEntityException keyNotFound(String accessKeyId) {
        return new NoSuchEntityException("The Access Key with id " + accessKeyId + " cannot be found.", "AccessKeyId");
    }

    private static NoSuchEntityException inlineNotFound(String userName, String policyName) {
        return new NoSuchEntityException("The user policy with name " + policyName + " cannot be found.", "PolicyName");
    }
}
