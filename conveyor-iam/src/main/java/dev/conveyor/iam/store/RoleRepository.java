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

/** Roles and the managed policies attached to them. */
public final class RoleRepository {
    private static final String COLUMNS = "name, role_id, path, arn, assume_role_policy, description, max_session_seconds, created_at";

    private final Database db;

    public RoleRepository(Database db) {
        this.db = db;
    }

    /** Stores a new role; false when one of that name (in any case) exists. */
    public boolean insert(RoleRow role) {
        return UniqueInsert.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO iam_role (" + COLUMNS + ", name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, role.name());
                s.setString(2, role.roleId());
                s.setString(3, role.path());
                s.setString(4, role.arn());
                s.setString(5, role.assumeRolePolicy());
                if (role.description() == null) {
                    s.setNull(6, Types.VARCHAR);
                } else {
                    s.setString(6, role.description());
                }
                s.setInt(7, role.maxSessionSeconds());
                s.setLong(8, role.createdAt().toEpochMilli());
                s.setString(9, UserRepository.nameKey(role.name()));
                return s.executeUpdate();
            }
        });
    }

    public Optional<RoleRow> find(String name) {
        return db.read(c -> Queries.first(c, "SELECT " + COLUMNS + " FROM iam_role WHERE name = ?", RoleRepository::role, name));
    }

    /** Attaches a managed policy unless {@code maxAttached} are attached already. Attaching twice is not an error. */
    public UserRepository.AddOutcome attachPolicy(String roleName, String policyArn, int maxAttached) {
        return IamChanges.write(db, c -> {
            if (Queries.first(c, "SELECT name FROM iam_role WHERE name = ? FOR UPDATE", r -> r.getString(1), roleName).isEmpty()) {
                return UserRepository.AddOutcome.NO_SUCH_ENTITY;
            }
            if (UserRepository.count(c, "SELECT COUNT(*) FROM iam_role_policy_attachment WHERE role_name = ? AND policy_arn = ?",
                    roleName, policyArn) > 0) {
                return UserRepository.AddOutcome.ALREADY_PRESENT;
            }
            if (UserRepository.count(c, "SELECT COUNT(*) FROM iam_role_policy_attachment WHERE role_name = ?", roleName) >= maxAttached) {
                return UserRepository.AddOutcome.LIMIT_EXCEEDED;
            }
            Queries.update(c, "INSERT INTO iam_role_policy_attachment (role_name, policy_arn) VALUES (?, ?)", roleName, policyArn);
            return UserRepository.AddOutcome.ADDED;
        });
    }

    public List<String> attachedPolicies(String roleName) {
        return db.read(c -> Queries.list(c, "SELECT policy_arn FROM iam_role_policy_attachment WHERE role_name = ? ORDER BY policy_arn",
                r -> r.getString(1), roleName));
    }

    private static RoleRow role(ResultSet r) throws SQLException {
        return new RoleRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getInt(7),
                Instant.ofEpochMilli(r.getLong(8)));
    }
}
