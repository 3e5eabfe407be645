package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.DeleteConflictException;
import dev.conveyor.iam.errors.EntityAlreadyExistsException;
import dev.conveyor.iam.errors.NoSuchEntityException;
import dev.conveyor.iam.policy.PolicyParser;
import dev.conveyor.iam.store.PolicyRepository;
import dev.conveyor.iam.store.PolicyRow;
import dev.conveyor.iam.store.PolicyVersionRow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Managed policies: the account's own ({@code arn:aws:iam::<account>:policy/…}) and AWS managed ones Conveyor provides. */
public final class PolicyCatalog {
    /** ListPolicies' Scope. */
    public enum Scope { All, AWS, Local }

    private final PolicyRepository policies;
    private final Names names;
    private final Clock clock;

    public PolicyCatalog(PolicyRepository policies, Names names, Clock clock) {
        this.policies = policies;
        this.names = names;
        this.clock = clock;
    }

    public PolicyRow create(String name, String path, String document, String description) {
        PolicyDocuments.parse(document, PolicyParser.Kind.IDENTITY, "PolicyDocument");
        PolicyDocuments.checkSize(PolicyDocuments.size(document), PolicyDocuments.MANAGED_POLICY_SIZE, "PolicySize");
        String arn = names.policy(path, name);
        return insert(arn, name, path, document, description)
                .orElseThrow(() -> new EntityAlreadyExistsException("A policy called " + name + " already exists. Duplicate names are not allowed.",
                        "PolicyName"));
    }

    /** Makes sure an AWS managed policy exists (AdministratorAccess for the first administrator); its ARN. */
    public String ensureAwsManaged(String name, String document, String description) {
        String arn = Names.awsManagedPolicy(name);
        if (policies.find(arn).isEmpty()) {
            insert(arn, name, "/", document, description); // a concurrent start may have made it: either way it exists
        }
        return arn;
    }

    private java.util.Optional<PolicyRow> insert(String arn, String name, String path, String document, String description) {
        Instant now = clock.instant();
        PolicyRow row = new PolicyRow(arn, name, AwsIds.policyId(), path, description, "v1", 0, now, now);
        return policies.insert(row, document) ? java.util.Optional.of(row) : java.util.Optional.empty();
    }

    public PolicyRow get(String arn) {
        return policies.find(arn).orElseThrow(() -> notFound(arn));
    }

    public PolicyVersionRow version(String arn, String versionId) {
        get(arn);
        return policies.version(arn, versionId).orElseThrow(() -> new NoSuchEntityException(
                "Policy " + arn + " version " + versionId + " does not exist or is not attachable.", "VersionId"));
    }

    public List<PolicyRow> list(Scope scope, boolean onlyAttached, String pathPrefix) {
        String arnPrefix = switch (scope) {
            case All -> null;
            case AWS -> "arn:aws:iam::aws:";
            case Local -> "arn:aws:iam::" + names.accountId() + ":";
        };
        return policies.list(pathPrefix, arnPrefix).stream().filter(p -> !onlyAttached || p.attachmentCount() > 0).toList();
    }

    public void delete(String arn) {
        if (arn.startsWith("arn:aws:iam::aws:")) {
            throw new dev.conveyor.iam.errors.InvalidInputException("AWS managed policies cannot be deleted: " + arn, "PolicyArn");
        }
        switch (policies.delete(arn)) {
            case NOT_FOUND -> throw notFound(arn);
            case ATTACHED -> throw new DeleteConflictException("Cannot delete a policy attached to entities.", "PolicyArn");
            case DELETED -> { }
        }
    }

    static NoSuchEntityException notFound(String arn) {
        return new NoSuchEntityException("Policy " + arn + " does not exist or is not attachable.", "PolicyArn");
    }
}
