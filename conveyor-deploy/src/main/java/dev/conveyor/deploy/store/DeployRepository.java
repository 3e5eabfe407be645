package dev.conveyor.deploy.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.store.Database;
import dev.conveyor.store.jdbc.UniqueInsert;
import dev.conveyor.store.outbox.DeploymentRecorder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The deployments' rows. Declarations are JSON documents in the API's own shape; a deployment's progress is updated
 * conditionally on the step read, so two runners (or a runner and a stop request) never both advance one deployment.
 */
public final class DeployRepository {
    static final ObjectMapper JSON = new ObjectMapper();

    public record ApplicationRow(String name, String id, String computePlatform, long created) {
    }

    public record GroupRow(String application, String name, String id, ObjectNode document, String lastSuccess) {
    }

    public record ConfigRow(String name, String id, ObjectNode document, long created) {
    }

    public record InstanceRow(String name, ObjectNode document, long registered, Long lastSeen, Map<String, String> tags) {
    }

    public record DeploymentRow(String id, String application, String group, String status, long created, ObjectNode document,
                                ArrayNode plan, int step, Long stepStarted, boolean continueRequested, String stopRequested) {
    }

    public record TargetRow(String deploymentId, String instance, String status, String role, ArrayNode events, long updated) {
    }

    public record CommandRow(String id, String deploymentId, String instance, int step, ArrayNode events, String status,
                             long created, long updated) {
    }

    private final Database db;
    private volatile DeploymentRecorder recorder = DeploymentRecorder.NONE;

    public DeployRepository(Database db) {
        this.db = db;
    }

    /**
     * Tells {@code recorder} of every status change of a deployment or a target, inside the transaction that makes
     * it: set before anything runs (DeployServices does).
     */
    public void recordChangesWith(DeploymentRecorder recorder) {
        this.recorder = recorder == null ? DeploymentRecorder.NONE : recorder;
    }

    public Database database() {
        return db;
    }

    // ---- applications

    public boolean insertApplication(ApplicationRow row) {
        return UniqueInsert.run(db, c -> update(c, "INSERT INTO deploy_application (name, id, compute_platform, created) VALUES (?, ?, ?, ?)",
                row.name(), row.id(), row.computePlatform(), row.created()));
    }

    public Optional<ApplicationRow> application(String name) {
        return db.read(c -> first(c, "SELECT * FROM deploy_application WHERE name = ?", DeployRepository::application, name));
    }

    public List<ApplicationRow> applications() {
        return db.read(c -> list(c, "SELECT * FROM deploy_application ORDER BY name", DeployRepository::application));
    }

    public boolean deleteApplication(String name) {
        return db.inTransaction(c -> {
            update(c, "DELETE FROM deploy_group WHERE application = ?", name);
            return update(c, "DELETE FROM deploy_application WHERE name = ?", name) == 1;
        });
    }

    // ---- deployment groups

    public boolean insertGroup(GroupRow row) {
        return UniqueInsert.run(db, c -> update(c, "INSERT INTO deploy_group (application, name, id, document) VALUES (?, ?, ?, ?)",
                row.application(), row.name(), row.id(), write(row.document())));
    }

    public Optional<GroupRow> group(String application, String name) {
        return db.read(c -> first(c, "SELECT * FROM deploy_group WHERE application = ? AND name = ?", DeployRepository::group, application, name));
    }

    public List<GroupRow> groups(String application) {
        return db.read(c -> list(c, "SELECT * FROM deploy_group WHERE application = ? ORDER BY name", DeployRepository::group, application));
    }

    /** What a group replacement did. */
    public enum Replaced { DONE, GONE, NAME_TAKEN }

    /** Replaces a group's document (and name). */
    public Replaced replaceGroup(String application, String currentName, String newName, ObjectNode document) {
        int[] count = new int[1];
        boolean stored = UniqueInsert.run(db, c -> count[0] = update(c, "UPDATE deploy_group SET name = ?, document = ? WHERE application = ? AND name = ?",
                newName, write(document), application, currentName));
        return !stored ? Replaced.NAME_TAKEN : count[0] == 1 ? Replaced.DONE : Replaced.GONE;
    }

    public boolean deleteGroup(String application, String name) {
        return db.inTransaction(c -> update(c, "DELETE FROM deploy_group WHERE application = ? AND name = ?", application, name) == 1);
    }

    public void recordLastSuccess(String application, String group, String deploymentId) {
        db.inTransaction(c -> update(c, "UPDATE deploy_group SET last_success = ? WHERE application = ? AND name = ?", deploymentId, application, group));
    }

    // ---- deployment configs

    public boolean insertConfig(ConfigRow row) {
        return UniqueInsert.run(db, c -> update(c, "INSERT INTO deploy_config (name, id, document, created) VALUES (?, ?, ?, ?)",
                row.name(), row.id(), write(row.document()), row.created()));
    }

    public Optional<ConfigRow> config(String name) {
        return db.read(c -> first(c, "SELECT * FROM deploy_config WHERE name = ?", DeployRepository::config, name));
    }

    public List<ConfigRow> configs() {
        return db.read(c -> list(c, "SELECT * FROM deploy_config ORDER BY name", DeployRepository::config));
    }

    public boolean deleteConfig(String name) {
        return db.inTransaction(c -> update(c, "DELETE FROM deploy_config WHERE name = ?", name) == 1);
    }

    // ---- on-premises instances

    public boolean insertInstance(String name, ObjectNode document, long registered) {
        return UniqueInsert.run(db, c -> update(c, "INSERT INTO deploy_instance (name, document, registered) VALUES (?, ?, ?)",
                name, write(document), registered));
    }

    public void replaceInstance(String name, ObjectNode document) {
        db.inTransaction(c -> update(c, "UPDATE deploy_instance SET document = ? WHERE name = ?", write(document), name));
    }

    public Optional<InstanceRow> instance(String name) {
        return db.read(c -> first(c, "SELECT * FROM deploy_instance WHERE name = ?", r -> instance(c, r), name));
    }

    public List<InstanceRow> instances() {
        return db.read(c -> list(c, "SELECT * FROM deploy_instance ORDER BY name", r -> instance(c, r)));
    }

    public void putTags(String instance, Map<String, String> tags) {
        db.inTransaction(c -> {
            for (var tag : tags.entrySet()) {
                update(c, "DELETE FROM deploy_instance_tag WHERE instance = ? AND tag_key = ?", instance, tag.getKey());
                update(c, "INSERT INTO deploy_instance_tag (instance, tag_key, tag_value) VALUES (?, ?, ?)", instance, tag.getKey(), tag.getValue());
            }
            return null;
        });
    }

    public void removeTags(String instance, Map<String, String> tags) {
        db.inTransaction(c -> {
            for (var tag : tags.entrySet()) {
                if (tag.getValue() == null) {
                    update(c, "DELETE FROM deploy_instance_tag WHERE instance = ? AND tag_key = ?", instance, tag.getKey());
                } else {
                    update(c, "DELETE FROM deploy_instance_tag WHERE instance = ? AND tag_key = ? AND tag_value = ?", instance, tag.getKey(), tag.getValue());
                }
            }
            return null;
        });
    }

    /** Notes that an instance's agent was heard from now. */
    public void seen(String instance, long now) {
        db.inTransaction(c -> update(c, "UPDATE deploy_instance SET last_seen = ? WHERE name = ?", now, instance));
    }

    // ---- deployments

    public void insertDeployment(DeploymentRow row, List<TargetRow> targets) {
        db.inTransaction(c -> {
            update(c, "INSERT INTO deployment (id, application, group_name, status, created, document, plan, step, step_started) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row.id(), row.application(), row.group(), row.status(), row.created(),
                    write(row.document()), write(row.plan()), row.step(), row.stepStarted());
            for (TargetRow t : targets) {
                update(c, "INSERT INTO deployment_target (deployment_id, instance, status, role, events, updated) VALUES (?, ?, ?, ?, ?, ?)",
                        t.deploymentId(), t.instance(), t.status(), t.role(), write(t.events()), t.updated());
            }
            recorder.record(c, new DeploymentRecorder.Change(row.id(), row.application(), row.group(), groupId(row.document()), null,
                    null, row.status()));
            return null;
        });
        recorder.committed();
    }

    public Optional<DeploymentRow> deployment(String id) {
        return db.read(c -> first(c, "SELECT * FROM deployment WHERE id = ?", DeployRepository::deployment, id));
    }

    public List<DeploymentRow> deployments(String application, String group, List<String> statuses) {
        StringBuilder sql = new StringBuilder("SELECT * FROM deployment WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (application != null) {
            sql.append(" AND application = ?");
            params.add(application);
        }
        if (group != null) {
            sql.append(" AND group_name = ?");
            params.add(group);
        }
        if (statuses != null && !statuses.isEmpty()) {
            sql.append(" AND status IN (").append(String.join(", ", java.util.Collections.nCopies(statuses.size(), "?"))).append(")");
            params.addAll(statuses);
        }
        sql.append(" ORDER BY created DESC, id DESC");
        return db.read(c -> list(c, sql.toString(), DeployRepository::deployment, params.toArray()));
    }

    /** Moves a deployment that is still at {@code expectedStep} to {@code newStep} with a new status and document. */
    public boolean advance(String id, int expectedStep, int newStep, String status, ObjectNode document, Long stepStarted) {
        boolean[] recorded = new boolean[1];
        boolean moved = db.inTransaction(c -> {
            Optional<String[]> before = lockedStatus(c, id);
            boolean done = update(c, "UPDATE deployment SET step = ?, status = ?, document = ?, step_started = ? WHERE id = ? AND step = ?",
                    newStep, status, write(document), stepStarted, id, expectedStep) == 1;
            recorded[0] = done && recordStatus(c, id, before, status, document);
            return done;
        });
        if (recorded[0]) {
            recorder.committed();
        }
        return moved;
    }

    /** Replaces a deployment's document and status whatever its step (for terminal transitions decided under a lock). */
    public void updateDeployment(String id, String status, ObjectNode document, ArrayNode plan) {
        boolean recorded = db.inTransaction(c -> {
            Optional<String[]> before = lockedStatus(c, id);
            update(c, "UPDATE deployment SET status = ?, document = ?, plan = ? WHERE id = ?", status, write(document), write(plan), id);
            return recordStatus(c, id, before, status, document);
        });
        if (recorded) {
            recorder.committed();
        }
    }

    /** A deployment's status, application and group, its row locked until the transaction ends. */
    private static Optional<String[]> lockedStatus(Connection c, String id) throws SQLException {
        return first(c, "SELECT status, application, group_name FROM deployment WHERE id = ? FOR UPDATE",
                r -> new String[] {r.getString(1), r.getString(2), r.getString(3)}, id);
    }

    /** Tells the recorder of a deployment's new status when it differs from {@code before}'s; true when it did. */
    private boolean recordStatus(Connection c, String id, Optional<String[]> before, String status, ObjectNode document) throws SQLException {
        if (before.isEmpty() || before.get()[0].equals(status)) {
            return false;
        }
        recorder.record(c, new DeploymentRecorder.Change(id, before.get()[1], before.get()[2], groupId(document), null, before.get()[0], status));
        return true;
    }

    private static String groupId(ObjectNode document) {
        String groupId = document == null ? null : document.path("_").path("groupId").asText(null);
        return groupId == null || groupId.isEmpty() ? null : groupId;
    }

    public boolean requestStop(String id, String reason) {
        return db.inTransaction(c -> update(c, "UPDATE deployment SET stop_requested = ? WHERE id = ? AND stop_requested IS NULL", reason, id) == 1);
    }

    public boolean requestContinue(String id) {
        return db.inTransaction(c -> update(c, "UPDATE deployment SET continue_requested = TRUE WHERE id = ?", id) == 1);
    }

    // ---- targets

    public List<TargetRow> targets(String deploymentId) {
        return db.read(c -> list(c, "SELECT * FROM deployment_target WHERE deployment_id = ? ORDER BY instance", DeployRepository::target, deploymentId));
    }

    public Optional<TargetRow> target(String deploymentId, String instance) {
        return db.read(c -> first(c, "SELECT * FROM deployment_target WHERE deployment_id = ? AND instance = ?", DeployRepository::target,
                deploymentId, instance));
    }

    public void updateTarget(String deploymentId, String instance, String status, ArrayNode events, long now) {
        boolean recorded = db.inTransaction(c -> {
            Optional<String> before = first(c, "SELECT status FROM deployment_target WHERE deployment_id = ? AND instance = ? FOR UPDATE",
                    r -> r.getString(1), deploymentId, instance);
            update(c, "UPDATE deployment_target SET status = ?, events = ?, updated = ? WHERE deployment_id = ? AND instance = ?",
                    status, write(events), now, deploymentId, instance);
            if (before.isEmpty() || before.get().equals(status) || recorder == DeploymentRecorder.NONE) {
                return false;
            }
            Optional<DeploymentRow> d = first(c, "SELECT * FROM deployment WHERE id = ?", DeployRepository::deployment, deploymentId);
            if (d.isEmpty()) {
                return false;
            }
            recorder.record(c, new DeploymentRecorder.Change(deploymentId, d.get().application(), d.get().group(), groupId(d.get().document()),
                    instance, before.get(), status));
            return true;
        });
        if (recorded) {
            recorder.committed();
        }
    }

    // ---- host commands

    /** Issues a command unless this step already issued one to that instance; returns the step's command either way. */
    public CommandRow issueCommand(CommandRow row) {
        UniqueInsert.run(db, c -> update(c, "INSERT INTO deploy_command (id, deployment_id, instance, step, events, status, created, updated) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row.id(), row.deploymentId(), row.instance(), row.step(), write(row.events()), row.status(),
                row.created(), row.updated()));
        return command(row.deploymentId(), row.instance(), row.step()).orElseThrow();
    }

    public Optional<CommandRow> command(String deploymentId, String instance, int step) {
        return db.read(c -> first(c, "SELECT * FROM deploy_command WHERE deployment_id = ? AND instance = ? AND step = ?", DeployRepository::command,
                deploymentId, instance, step));
    }

    public Optional<CommandRow> command(String id) {
        return db.read(c -> first(c, "SELECT * FROM deploy_command WHERE id = ?", DeployRepository::command, id));
    }

    /** The oldest command for an instance that it has not completed (Pending or InProgress). */
    public Optional<CommandRow> openCommand(String instance) {
        return db.read(c -> first(c, "SELECT * FROM deploy_command WHERE instance = ? AND status IN ('Pending', 'InProgress') ORDER BY created",
                DeployRepository::command, instance));
    }

    /** Moves a command from one of {@code from} to {@code status}; false when it was in none of them. */
    public boolean moveCommand(String id, List<String> from, String status, long now) {
        return db.inTransaction(c -> {
            String in = String.join(", ", java.util.Collections.nCopies(from.size(), "?"));
            List<Object> params = new ArrayList<>(List.of(status, now, id));
            params.addAll(from);
            return update(c, "UPDATE deploy_command SET status = ?, updated = ? WHERE id = ? AND status IN (" + in + ")", params.toArray()) == 1;
        });
    }

    // ---- plumbing

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    private interface Mapper<T> {
        T map(ResultSet r) throws SQLException;
    }

    private static <T> Optional<T> first(Connection c, String sql, Mapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = list(c, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static <T> List<T> list(Connection c, String sql, Mapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet r = s.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(mapper.map(r));
                }
                return rows;
            }
        }
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                s.setNull(i + 1, Types.NULL); // untyped: PostgreSQL takes it for any column type
            } else if (p instanceof Long l) {
                s.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                s.setInt(i + 1, n);
            } else if (p instanceof Boolean b) {
                s.setBoolean(i + 1, b);
            } else {
                s.setString(i + 1, p.toString());
            }
        }
    }

    private static ApplicationRow application(ResultSet r) throws SQLException {
        return new ApplicationRow(r.getString("name"), r.getString("id"), r.getString("compute_platform"), r.getLong("created"));
    }

    private static GroupRow group(ResultSet r) throws SQLException {
        return new GroupRow(r.getString("application"), r.getString("name"), r.getString("id"), object(r.getString("document")),
                r.getString("last_success"));
    }

    private static ConfigRow config(ResultSet r) throws SQLException {
        return new ConfigRow(r.getString("name"), r.getString("id"), object(r.getString("document")), r.getLong("created"));
    }

    private static InstanceRow instance(Connection c, ResultSet r) throws SQLException {
        String name = r.getString("name");
        Map<String, String> tags = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tag_key, tag_value FROM deploy_instance_tag WHERE instance = ?")) {
            s.setString(1, name);
            try (ResultSet t = s.executeQuery()) {
                while (t.next()) {
                    tags.put(t.getString(1), t.getString(2));
                }
            }
        }
        long seen = r.getLong("last_seen");
        return new InstanceRow(name, object(r.getString("document")), r.getLong("registered"), r.wasNull() ? null : seen, tags);
    }

    private static DeploymentRow deployment(ResultSet r) throws SQLException {
        long started = r.getLong("step_started");
        Long stepStarted = r.wasNull() ? null : started;
        return new DeploymentRow(r.getString("id"), r.getString("application"), r.getString("group_name"), r.getString("status"),
                r.getLong("created"), object(r.getString("document")), array(r.getString("plan")), r.getInt("step"), stepStarted,
                r.getBoolean("continue_requested"), r.getString("stop_requested"));
    }

    private static TargetRow target(ResultSet r) throws SQLException {
        return new TargetRow(r.getString("deployment_id"), r.getString("instance"), r.getString("status"), r.getString("role"),
                array(r.getString("events")), r.getLong("updated"));
    }

    private static CommandRow command(ResultSet r) throws SQLException {
        return new CommandRow(r.getString("id"), r.getString("deployment_id"), r.getString("instance"), r.getInt("step"),
                array(r.getString("events")), r.getString("status"), r.getLong("created"), r.getLong("updated"));
    }

    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored document is not JSON: " + e.getMessage(), e);
        }
    }

    static ArrayNode array(String json) {
        try {
            return (ArrayNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored document is not JSON: " + e.getMessage(), e);
        }
    }
}
