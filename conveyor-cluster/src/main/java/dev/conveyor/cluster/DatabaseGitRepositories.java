package dev.conveyor.cluster;

import dev.conveyor.store.Database;
import dev.conveyor.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.internal.storage.dfs.DfsObjDatabase;
import org.eclipse.jgit.internal.storage.dfs.DfsOutputStream;
import org.eclipse.jgit.internal.storage.dfs.DfsPackDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsReaderOptions;
import org.eclipse.jgit.internal.storage.dfs.DfsRefDatabase;
import org.eclipse.jgit.internal.storage.dfs.DfsRepository;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryBuilder;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.ReadableChannel;
import org.eclipse.jgit.internal.storage.pack.PackExt;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.SymbolicRef;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.RefList;

/**
 * Hosted git repositories kept in the database, so that a push to one replica is visible to a clone from any other at
 * once (issue 19): JGit DFS repositories whose pack files (written once under a unique name, never changed) and refs
 * (each update a compare-and-set on its row) are rows of PostgreSQL. A repository object is opened per use and reads
 * the current pack list and refs then, so nothing a replica keeps can be stale; pack contents, being immutable, are
 * cached by JGit's block cache.
 */
public final class DatabaseGitRepositories {
    private final Database database;
    private final String storeId;

    private DatabaseGitRepositories(Database database, String storeId) {
        this.database = database;
        this.storeId = storeId;
    }

    public static DatabaseGitRepositories open(Database database) {
        ClusterSchema.migrate(database);
        return new DatabaseGitRepositories(database, storeId(database));
    }

    /**
     * What tells this database's repositories from another's, the same on every replica: made once, by the first
     * replica to start on the database, at random (lower-case letters and digits, usable as a host name in a URL).
     */
    public String storeId() {
        return storeId;
    }

    private static String storeId(Database database) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_git_store (id, store_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, "s" + UUID.randomUUID().toString().replace("-", ""));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT store_id FROM cluster_git_store WHERE id = 1");
                 ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        });
    }

    public boolean exists(String name) {
        return database.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM cluster_git_repository WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** The repository, or null when it does not exist; the caller closes it. */
    public DfsRepository open(String name) throws IOException {
        return exists(name) ? new Stored(name) : null;
    }

    /** The repository, created (bare, empty, HEAD at {@code refs/heads/<initialBranch>}) if missing; the caller closes it. */
    public DfsRepository openOrCreate(String name, String initialBranch) throws IOException {
        boolean created = database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_git_repository (name, created_at) VALUES (?, ?) "
                    + "ON CONFLICT (name) DO NOTHING")) {
                s.setString(1, name);
                s.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
                return s.executeUpdate() == 1;
            }
        });
        Stored repository = new Stored(name);
        if (created) {
            repository.getRefDatabase().newUpdate("HEAD", false).link("refs/heads/" + initialBranch);
        }
        return repository;
    }

    private final class Stored extends DfsRepository {
        private final String name;
        private final DfsObjDatabase objects;
        private final RefDatabase refs;

        Stored(String name) throws IOException {
            // A file system, though nothing of it is stored there: JGit's repository code asks for one.
            super(new Builder().setRepositoryDescription(new DfsRepositoryDescription(name)).setReaderOptions(new DfsReaderOptions())
                    .setFS(org.eclipse.jgit.util.FS.DETECTED));
            this.name = name;
            this.objects = new Objects(this);
            this.refs = new Refs(this);
        }

        @Override
        public DfsObjDatabase getObjectDatabase() {
            return objects;
        }

        @Override
        public RefDatabase getRefDatabase() {
            return refs;
        }

        private final class Objects extends DfsObjDatabase {
            Objects(DfsRepository repository) {
                super(repository, new DfsReaderOptions());
            }

            @Override
            public long getApproximateObjectCount() {
                try {
                    return listPacks().stream().mapToLong(DfsPackDescription::getObjectCount).sum();
                } catch (RuntimeException e) {
                    return -1;
                }
            }

            @Override
            protected DfsPackDescription newPack(PackSource source) {
                return new DfsPackDescription(getDescription(), "pack-" + UUID.randomUUID() + "-" + source.name(), source);
            }

            @Override
            protected void commitPackImpl(Collection<DfsPackDescription> added, Collection<DfsPackDescription> replaced) {
                database.inTransaction(c -> {
                    for (DfsPackDescription pack : added) {
                        try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_git_pack (repository, pack_name, source, "
                                + "object_count, committed_at) VALUES (?, ?, ?, ?, ?)")) {
                            s.setString(1, name);
                            s.setString(2, pack.getPackName());
                            s.setString(3, pack.getPackSource().name());
                            s.setLong(4, pack.getObjectCount());
                            s.setLong(5, System.currentTimeMillis());
                            s.executeUpdate();
                        }
                    }
                    if (replaced != null) {
                        for (DfsPackDescription pack : replaced) {
                            delete(c, pack.getPackName());
                        }
                    }
                    return null;
                });
            }

            @Override
            protected void rollbackPack(Collection<DfsPackDescription> packs) {
                database.inTransaction(c -> {
                    for (DfsPackDescription pack : packs) {
                        delete(c, pack.getPackName());
                    }
                    return null;
                });
            }

            private void delete(Connection c, String pack) throws SQLException {
                for (String table : List.of("cluster_git_pack", "cluster_git_pack_file")) {
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE repository = ? AND pack_name = ?")) {
                        s.setString(1, name);
                        s.setString(2, pack);
                        s.executeUpdate();
                    }
                }
            }

            @Override
            protected List<DfsPackDescription> listPacks() {
                return database.read(c -> {
                    Map<String, DfsPackDescription> packs = new HashMap<>();
                    try (PreparedStatement s = c.prepareStatement("SELECT pack_name, source, object_count, committed_at FROM cluster_git_pack "
                            + "WHERE repository = ?")) {
                        s.setString(1, name);
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                DfsPackDescription pack = new DfsPackDescription(getDescription(), r.getString(1), PackSource.valueOf(r.getString(2)));
                                pack.setObjectCount(r.getLong(3));
                                pack.setLastModified(r.getLong(4));
                                packs.put(r.getString(1), pack);
                            }
                        }
                    }
                    try (PreparedStatement s = c.prepareStatement("SELECT pack_name, ext, LENGTH(data) FROM cluster_git_pack_file "
                            + "WHERE repository = ?")) {
                        s.setString(1, name);
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                DfsPackDescription pack = packs.get(r.getString(1));
                                PackExt ext = extension(r.getString(2));
                                if (pack != null && ext != null) {
                                    pack.addFileExt(ext);
                                    pack.setFileSize(ext, r.getLong(3));
                                }
                            }
                        }
                    }
                    return new ArrayList<>(packs.values());
                });
            }

            @Override
            protected ReadableChannel openFile(DfsPackDescription pack, PackExt ext) throws IOException {
                byte[] data;
                try {
                    data = database.read(c -> {
                        try (PreparedStatement s = c.prepareStatement("SELECT data FROM cluster_git_pack_file WHERE repository = ? "
                                + "AND pack_name = ? AND ext = ?")) {
                            s.setString(1, name);
                            s.setString(2, pack.getPackName());
                            s.setString(3, ext.getExtension());
                            try (ResultSet r = s.executeQuery()) {
                                return r.next() ? r.getBytes(1) : null;
                            }
                        }
                    });
                } catch (StoreException e) {
                    throw new IOException("cannot read " + pack.getFileName(ext) + " of repository " + name, e);
                }
                if (data == null) {
                    throw new FileNotFoundException(pack.getFileName(ext));
                }
                return new BytesChannel(data);
            }

            @Override
            protected DfsOutputStream writeFile(DfsPackDescription pack, PackExt ext) {
                return new DfsOutputStream() {
                    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                    private boolean closed;

                    @Override
                    public void write(byte[] b, int off, int len) {
                        buffer.write(b, off, len);
                    }

                    @Override
                    public int read(long position, ByteBuffer into) {
                        byte[] d = buffer.toByteArray();
                        int n = Math.min(into.remaining(), d.length - (int) position);
                        if (n <= 0) {
                            return -1;
                        }
                        into.put(d, (int) position, n);
                        return n;
                    }

                    @Override
                    public void close() throws IOException {
                        if (closed) {
                            return;
                        }
                        closed = true;
                        byte[] data = buffer.toByteArray();
                        try {
                            database.inTransaction(c -> {
                                try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_git_pack_file (repository, pack_name, ext, "
                                        + "data) VALUES (?, ?, ?, ?)")) {
                                    s.setString(1, name);
                                    s.setString(2, pack.getPackName());
                                    s.setString(3, ext.getExtension());
                                    s.setBytes(4, data);
                                    return s.executeUpdate();
                                }
                            });
                        } catch (StoreException e) {
                            throw new IOException("cannot store " + pack.getFileName(ext) + " of repository " + name, e);
                        }
                        pack.addFileExt(ext);
                        pack.setFileSize(ext, data.length);
                    }
                };
            }
        }

        private final class Refs extends DfsRefDatabase {
            Refs(DfsRepository repository) {
                super(repository);
            }

            @Override
            public org.eclipse.jgit.lib.ReflogReader getReflogReader(Ref ref) {
                return null; // no reflog is kept
            }

            @Override
            protected RefCache scanAllRefs() {
                Map<String, String[]> rows = database.read(c -> {
                    Map<String, String[]> found = new HashMap<>();
                    try (PreparedStatement s = c.prepareStatement("SELECT name, object_id, symbolic_target FROM cluster_git_ref "
                            + "WHERE repository = ?")) {
                        s.setString(1, name);
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                found.put(r.getString(1), new String[] {r.getString(2), r.getString(3)});
                            }
                        }
                    }
                    return found;
                });
                RefList.Builder<Ref> all = new RefList.Builder<>();
                RefList.Builder<Ref> symbolic = new RefList.Builder<>();
                for (Map.Entry<String, String[]> row : rows.entrySet()) {
                    String target = row.getValue()[1];
                    if (target != null) {
                        String[] targetRow = rows.get(target);
                        Ref resolved = targetRow != null && targetRow[0] != null
                                ? new ObjectIdRef.Unpeeled(Ref.Storage.PACKED, target, ObjectId.fromString(targetRow[0]))
                                : new ObjectIdRef.Unpeeled(Ref.Storage.NEW, target, null);
                        Ref ref = new SymbolicRef(row.getKey(), resolved);
                        all.add(ref);
                        symbolic.add(ref);
                    } else {
                        all.add(new ObjectIdRef.Unpeeled(Ref.Storage.PACKED, row.getKey(), ObjectId.fromString(row.getValue()[0])));
                    }
                }
                all.sort();
                symbolic.sort();
                return new RefCache(all.toRefList(), symbolic.toRefList());
            }

            @Override
            protected boolean compareAndPut(Ref oldRef, Ref newRef) throws IOException {
                ObjectId id = newRef.isSymbolic() ? null : newRef.getObjectId();
                if (id != null) {
                    try (RevWalk walk = new RevWalk(getRepository())) {
                        walk.parseAny(id); // the object must be stored (in a committed pack) before a ref names it
                    }
                }
                String target = newRef.isSymbolic() ? newRef.getTarget().getName() : null;
                boolean expectAbsent = oldRef == null || (!oldRef.isSymbolic() && oldRef.getObjectId() == null);
                return write(c -> {
                    if (!expectAbsent) {
                        try (PreparedStatement s = c.prepareStatement("UPDATE cluster_git_ref SET object_id = ?, symbolic_target = ? "
                                + "WHERE repository = ? AND name = ? AND " + (oldRef.isSymbolic() ? "symbolic_target = ?" : "object_id = ?"))) {
                            s.setString(1, id == null ? null : id.name());
                            s.setString(2, target);
                            s.setString(3, name);
                            s.setString(4, newRef.getName());
                            s.setString(5, oldRef.isSymbolic() ? oldRef.getTarget().getName() : oldRef.getObjectId().name());
                            if (s.executeUpdate() == 1) {
                                return true;
                            }
                        }
                        if (oldRef.getStorage() != Ref.Storage.NEW) {
                            return false;
                        }
                    }
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_git_ref (repository, name, object_id, symbolic_target) "
                            + "VALUES (?, ?, ?, ?) ON CONFLICT (repository, name) DO NOTHING")) {
                        s.setString(1, name);
                        s.setString(2, newRef.getName());
                        s.setString(3, id == null ? null : id.name());
                        s.setString(4, target);
                        return s.executeUpdate() == 1;
                    }
                });
            }

            @Override
            protected boolean compareAndRemove(Ref oldRef) throws IOException {
                return write(c -> {
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM cluster_git_ref WHERE repository = ? AND name = ? AND "
                            + (oldRef.isSymbolic() ? "symbolic_target = ?" : "object_id = ?"))) {
                        s.setString(1, name);
                        s.setString(2, oldRef.getName());
                        s.setString(3, oldRef.isSymbolic() ? oldRef.getTarget().getName()
                                : oldRef.getObjectId() == null ? "" : oldRef.getObjectId().name());
                        return s.executeUpdate() == 1;
                    }
                });
            }

            private boolean write(Database.SqlWork<Boolean> work) throws IOException {
                try {
                    return database.inTransaction(work);
                } catch (StoreException e) {
                    throw new IOException("cannot update a ref of repository " + name, e);
                }
            }
        }
    }

    /** Only to pass a description to {@link DfsRepository}'s constructor. */
    private static final class Builder extends DfsRepositoryBuilder<Builder, Stored> {
        @Override
        public Stored build() {
            throw new UnsupportedOperationException("repositories are made by DatabaseGitRepositories");
        }
    }

    private static PackExt extension(String name) {
        for (PackExt ext : PackExt.values()) {
            if (ext.getExtension().equals(name)) {
                return ext;
            }
        }
        return null;
    }

    /** A stored file, read from memory. */
    private static final class BytesChannel implements ReadableChannel {
        private final byte[] data;
        private int position;
        private boolean open = true;

        BytesChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer into) {
            int n = Math.min(into.remaining(), data.length - position);
            if (n <= 0) {
                return -1;
            }
            into.put(data, position, n);
            position += n;
            return n;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void position(long newPosition) {
            position = (int) newPosition;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public int blockSize() {
            return 0;
        }

        @Override
        public void setReadAheadBytes(int bytes) {
            // in memory already
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
