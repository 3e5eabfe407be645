package dev.conveyor.store;

import dev.conveyor.model.errors.PipelineNameInUseException;
import dev.conveyor.model.errors.PipelineNotFoundException;
import dev.conveyor.model.errors.PipelineVersionNotFoundException;
import dev.conveyor.model.pipeline.Tag;
import dev.conveyor.store.changes.ChangeFeed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Pipelines and every version of their declarations. Each method is one transaction: a pipeline and its tags are
 * created together, and an update writes the new version and moves the pipeline to it together, under a row lock
 * so concurrent updates get consecutive versions.
 */
public final class PipelineRepository {
    /** The change feed's topic of {@link #subscribeToRetirements}. */
    private static final String RETIRED_TOPIC = "pipeline-retired";

    private final Database db;
    private final TagRepository tags;
    private final PipelineCache cache;

    public PipelineRepository(Database db, TagRepository tags) {
        this.db = db;
        this.tags = tags;
        this.cache = new PipelineCache(db.changes());
    }

    /**
     * Tells {@code listener} of every committed write of a pipeline (create, update, delete), in this process or
     * another sharing the database, and of gaps in that news: for what other modules derive from declarations.
     */
    public void subscribe(ChangeFeed.Listener listener) {
        db.changes().subscribe(PipelineCache.TOPIC, listener);
    }

    /**
     * Tells {@code listener} when a pipeline's stored versions stop being what their name and number say: when it is
     * deleted (a pipeline created again under the name starts its versions at 1), here or in another process, and of
     * gaps in that news. A stored version never changes otherwise, so what is derived from one version (its parsed
     * declaration, its author) stays true through every create and update, which {@link #subscribe} also tells of.
     */
    public void subscribeToRetirements(ChangeFeed.Listener listener) {
        db.changes().subscribe(RETIRED_TOPIC, listener);
    }

    /**
     * True while {@link #subscribe subscribers} hear of every write; while false, what they derived must be checked
     * against the database before it is used.
     */
    public boolean changesReliable() {
        return db.changes().reliable();
    }

    /**
     * What a new pipeline or version is written with; {@code author} is who wrote it (the caller's principal, encoded
     * by conveyor-iam's PrincipalRecords), null when unknown (the open mode).
     */
    public record NewVersion(String pipelineType, String executionMode, String declarationJson, String author) {
        public NewVersion(String pipelineType, String executionMode, String declarationJson) {
            this(pipelineType, executionMode, declarationJson, null);
        }
    }

    /**
     * Creates a pipeline at version 1 with its tags.
     *
     * @throws PipelineNameInUseException when a pipeline of that name exists
     */
    public StoredPipeline create(String name, String arn, NewVersion first, List<Tag> initialTags, Instant now) {
        return create(name, arn, first, initialTags, now, c -> () -> { });
    }

    /**
     * Stores a new pipeline as {@link #create(String, String, NewVersion, List, Instant)} does, and runs
     * {@code alsoInTransaction} in the same transaction once it is written: CreatePipeline starts the first execution
     * there, so that the pipeline and its execution commit together, one commit instead of two (issue 20). What it
     * returns runs after the commit and after this process's cache has forgotten the name.
     */
    public StoredPipeline create(String name, String arn, NewVersion first, List<Tag> initialTags, Instant now,
                                 Database.SqlWork<Runnable> alsoInTransaction) {
        Runnable[] afterCommit = new Runnable[1];
        StoredPipeline created = changing(name, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO pipeline (name, arn, version, pipeline_type, execution_mode, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, arn);
                s.setString(3, first.pipelineType());
                s.setString(4, first.executionMode());
                s.setLong(5, now.toEpochMilli());
                s.setLong(6, now.toEpochMilli());
                s.executeUpdate();
            } catch (SQLException e) {
                if (StoreException.isUniqueViolation(e)) {
                    throw new PipelineNameInUseException("A pipeline with the name '" + name + "' already exists", "pipeline.name");
                }
                throw e;
            }
            insertVersion(c, name, 1, first.declarationJson(), first.author(), now);
            tags.insert(c, arn, initialTags);
            afterCommit[0] = alsoInTransaction.run(c);
            return new StoredPipeline(name, arn, 1, first.pipelineType(), first.executionMode(), first.declarationJson(), now, now);
        });
        afterCommit[0].run();
        return created;
    }

    /**
     * Writes the next version of a pipeline. {@code declarationForVersion} receives the new version number and
     * returns the declaration JSON and settings to store under it.
     *
     * @throws PipelineNotFoundException when there is no such pipeline
     */
    public StoredPipeline update(String name, IntFunction<NewVersion> declarationForVersion, Instant now) {
        return changing(name, c -> {
            String arn;
            Instant created;
            int current;
            try (PreparedStatement s = c.prepareStatement("SELECT arn, version, created_at FROM pipeline WHERE name = ? FOR UPDATE")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw notFound(name);
                    }
                    arn = r.getString(1);
                    current = r.getInt(2);
                    created = Instant.ofEpochMilli(r.getLong(3));
                }
            }
            int next = current + 1;
            NewVersion version = declarationForVersion.apply(next);
            insertVersion(c, name, next, version.declarationJson(), version.author(), now);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE pipeline SET version = ?, pipeline_type = ?, execution_mode = ?, updated_at = ? WHERE name = ?")) {
                s.setInt(1, next);
                s.setString(2, version.pipelineType());
                s.setString(3, version.executionMode());
                s.setLong(4, now.toEpochMilli());
                s.setString(5, name);
                s.executeUpdate();
            }
            return new StoredPipeline(name, arn, next, version.pipelineType(), version.executionMode(), version.declarationJson(), created, now);
        });
    }

    /**
     * The pipeline's latest version, or the given one.
     *
     * @throws PipelineNotFoundException when there is no such pipeline
     * @throws PipelineVersionNotFoundException when the pipeline has no such version
     */
    public StoredPipeline get(String name, Integer version) {
        if (version == null) {
            StoredPipeline cached = cache.latest(name);
            if (cached != null) {
                return cached;
            }
            long stamp = cache.stamp();
            StoredPipeline read = read(name, null);
            cache.keep(read, stamp);
            return read;
        }
        return read(name, version);
    }

    private StoredPipeline read(String name, Integer version) {
        return db.read(c -> {
            String sql = "SELECT p.arn, p.created_at, p.updated_at, p.version, v.version, v.declaration, v.created_at, "
                    + "p.pipeline_type, p.execution_mode FROM pipeline p LEFT JOIN pipeline_version v "
                    + "ON v.pipeline_name = p.name AND v.version = " + (version == null ? "p.version" : "?")
                    + " WHERE p.name = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                if (version != null) {
                    s.setInt(i++, version);
                }
                s.setString(i, name);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw notFound(name);
                    }
                    String json = r.getString(6);
                    if (json == null) {
                        throw new PipelineVersionNotFoundException(
                                "Pipeline '" + name + "' has no version " + version + " (latest is " + r.getInt(4) + ")",
                                "version");
                    }
                    int found = r.getInt(5);
                    boolean latest = found == r.getInt(4);
                    // The type and mode of an older version are those its own declaration states.
                    String type = latest ? r.getString(8) : null;
                    String mode = latest ? r.getString(9) : null;
                    Instant updated = latest ? Instant.ofEpochMilli(r.getLong(3)) : Instant.ofEpochMilli(r.getLong(7));
                    return new StoredPipeline(name, r.getString(1), found, type, mode, json,
                            Instant.ofEpochMilli(r.getLong(2)), updated);
                }
            }
        });
    }

    /**
     * The declaration JSON of one version, read on the caller's connection (inside its transaction), or null when
     * there is no such version. The latest version, when the pipeline cache holds it, is answered from there without a
     * query, and as the same string: the engine's declarations keep this text, and a copy of each would double what
     * 10,000 pipelines hold in memory (issue 20). A stored version never changes; the cache is as true as ever.
     */
    public String declarationJson(Connection c, String name, int version) throws SQLException {
        StoredPipeline cached = cache.latest(name);
        if (cached != null && cached.version() == version) {
            return cached.declarationJson();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT declaration FROM pipeline_version WHERE pipeline_name = ? AND version = ?")) {
            s.setString(1, name);
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** True when a pipeline of that name exists. */
    /**
     * Who wrote version {@code version} of pipeline {@code name} ({@link NewVersion#author()}): null when it was not
     * recorded (a version written before authors were, or in the open mode) or there is no such version.
     */
    public String author(String name, int version) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT author FROM pipeline_version WHERE pipeline_name = ? AND version = ?")) {
                s.setString(1, name);
                s.setInt(2, version);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    public boolean exists(String name) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pipeline WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** Pipelines in name order, starting after {@code afterName} (null for the first page). */
    public Page<PipelineSummaryRow> list(int maxResults, String afterName) {
        return db.read(c -> {
            String sql = "SELECT name, version, pipeline_type, execution_mode, created_at, updated_at FROM pipeline"
                    + (afterName == null ? "" : " WHERE name > ?") + " ORDER BY name LIMIT ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                if (afterName != null) {
                    s.setString(i++, afterName);
                }
                s.setInt(i, maxResults + 1);
                List<PipelineSummaryRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new PipelineSummaryRow(r.getString(1), r.getInt(2), r.getString(3), r.getString(4),
                                Instant.ofEpochMilli(r.getLong(5)), Instant.ofEpochMilli(r.getLong(6))));
                    }
                }
                if (rows.size() > maxResults) {
                    List<PipelineSummaryRow> page = List.copyOf(rows.subList(0, maxResults));
                    return new Page<>(page, page.getLast().name());
                }
                return new Page<>(rows, null);
            }
        });
    }

    /** Deletes a pipeline, all its versions and its tags. Returns false when there was none. */
    public boolean delete(String name) {
        return changing(name, true, c -> {
            String arn;
            try (PreparedStatement s = c.prepareStatement("SELECT arn FROM pipeline WHERE name = ? FOR UPDATE")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return false;
                    }
                    arn = r.getString(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM pipeline_version WHERE pipeline_name = ?")) {
                s.setString(1, name);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM pipeline WHERE name = ?")) {
                s.setString(1, name);
                s.executeUpdate();
            }
            tags.deleteAll(c, arn);
            return true;
        });
    }

    /** The number of stored pipelines. */
    public int count() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pipeline"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    /**
     * Runs a write of pipeline {@code name} in one transaction that also announces the change, and then evicts it
     * from this process's cache (other processes hear of it through the change feed after the commit).
     */
    private <T> T changing(String name, Database.SqlWork<T> write) {
        return changing(name, false, write);
    }

    /**
     * The same; {@code retires}: the write ends the pipeline's versions ({@link #subscribeToRetirements}). A write that
     * fails retires them here too: what this process derived inside the transaction (CreatePipeline's first execution
     * reads the new version on the transaction's connection) describes versions that were rolled back.
     */
    private <T> T changing(String name, boolean retires, Database.SqlWork<T> write) {
        boolean committed = false;
        try {
            T result = db.inTransaction(c -> {
                T written = write.run(c);
                db.changes().announce(c, PipelineCache.TOPIC, name);
                if (retires) {
                    db.changes().announce(c, RETIRED_TOPIC, name);
                }
                return written;
            });
            committed = true;
            return result;
        } finally {
            db.changes().changedHere(PipelineCache.TOPIC, name);
            if (retires || !committed) {
                db.changes().changedHere(RETIRED_TOPIC, name);
            }
        }
    }

    private static void insertVersion(Connection c, String name, int version, String json, String author, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO pipeline_version (pipeline_name, version, declaration, created_at, author) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, name);
            s.setInt(2, version);
            s.setString(3, json);
            s.setLong(4, now.toEpochMilli());
            s.setString(5, author);
            s.executeUpdate();
        }
    }

    private static PipelineNotFoundException notFound(String name) {
        return new PipelineNotFoundException("Pipeline '" + name + "' does not exist", "name");
    }
}
