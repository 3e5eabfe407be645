package dev.conveyor.iam.store;

import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.Queries;
import dev.conveyor.store.jdbc.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Managed policies with their versions; a policy is created with its first version, v1, as the default. */
public final class PolicyRepository {
    private static final String COLUMNS = "p.arn, p.name, p.policy_id, p.path, p.description, p.default_version_id, "
            + "(SELECT COUNT(*) FROM iam_user_policy_attachment u WHERE u.policy_arn = p.arn) "
            + "+ (SELECT COUNT(*) FROM iam_role_policy_attachment r WHERE r.policy_arn = p.arn), p.created_at, p.updated_at";

    /** What a delete did, or why it did not. */
    public enum DeleteOutcome { DELETED, NOT_FOUND, ATTACHED }

    private final Database db;

    public PolicyRepository(Database db) {
        this.db = db;
    }

    /** Stores a new policy and its version v1; false when its owner has a policy of that name (any path, any case). */
    public boolean insert(PolicyRow policy, String document) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_policy (arn, name, policy_id, path, description, "
                    + "default_version_id, created_at, updated_at, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, policy.arn());
                s.setString(2, policy.name());
                s.setString(3, policy.policyId());
                s.setString(4, policy.path());
                if (policy.description() == null) {
                    s.setNull(5, Types.VARCHAR);
                } else {
                    s.setString(5, policy.description());
                }
                s.setString(6, policy.defaultVersionId());
                s.setLong(7, policy.createdAt().toEpochMilli());
                s.setLong(8, policy.updatedAt().toEpochMilli());
                // The owner is the ARN's account ("aws" for AWS managed policies): names are unique per owner.
                s.setString(9, policy.arn().split(":")[4] + ":" + UserRepository.nameKey(policy.name()));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_policy_version (policy_arn, version_id, document, created_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, policy.arn());
                s.setString(2, policy.defaultVersionId());
                s.setString(3, document);
                s.setLong(4, policy.createdAt().toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    public Optional<PolicyRow> find(String arn) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM iam_policy p WHERE p.arn = ?", PolicyRepository::policy, arn));
    }

    /** Policies whose path starts with {@code pathPrefix}, by name; {@code arnPrefix} narrows to AWS or local ones (null: all). */
    public List<PolicyRow> list(String pathPrefix, String arnPrefix) {
        return db.read(c -> Queries.list(c, "SELECT " + COLUMNS + " FROM iam_policy p WHERE p.path LIKE ? ESCAPE '\\' AND p.arn LIKE ? ESCAPE '\\' "
                + "ORDER BY p.name, p.arn", PolicyRepository::policy, UserRepository.likePrefix(pathPrefix),
                UserRepository.likePrefix(arnPrefix == null ? "" : arnPrefix)));
    }

    public Optional<PolicyVersionRow> version(String arn, String versionId) {
        return db.read(c -> Queries.first(c, "SELECT v.policy_arn, v.version_id, v.document, p.default_version_id = v.version_id, v.created_at "
                        + "FROM iam_policy_version v JOIN iam_policy p ON p.arn = v.policy_arn WHERE v.policy_arn = ? AND v.version_id = ?",
                r -> new PolicyVersionRow(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), Instant.ofEpochMilli(r.getLong(5))),
                arn, versionId));
    }

    /** The default versions' documents of the given policies (those that exist), for evaluation. */
    public List<PolicyVersionRow> defaultVersions(List<String> arns) {
        return arns.stream().flatMap(arn -> find(arn).flatMap(p -> version(arn, p.defaultVersionId())).stream()).toList();
    }

    /** Deletes a policy that is attached to nothing, with its versions. */
    public DeleteOutcome delete(String arn) {
        return IamChanges.write(db, c -> {
            if (Queries.first(c, "SELECT arn FROM iam_policy WHERE arn = ? FOR UPDATE", r -> r.getString(1), arn).isEmpty()) {
                return DeleteOutcome.NOT_FOUND;
            }
            if (UserRepository.count(c, "SELECT COUNT(*) FROM iam_user_policy_attachment WHERE policy_arn = ?", arn)
                    + UserRepository.count(c, "SELECT COUNT(*) FROM iam_role_policy_attachment WHERE policy_arn = ?", arn) > 0) {
                return DeleteOutcome.ATTACHED;
            }
            Queries.update(c, "DELETE FROM iam_policy_version WHERE policy_arn = ?", arn);
            Queries.update(c, "DELETE FROM iam_policy WHERE arn = ?", arn);
            return DeleteOutcome.DELETED;
        });
    }

    private static PolicyRow policy(ResultSet r) throws SQLException {
        return new PolicyRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getInt(7),
                Instant.ofEpochMilli(r.getLong(8)), Instant.ofEpochMilli(r.getLong(9)));
    }
}
