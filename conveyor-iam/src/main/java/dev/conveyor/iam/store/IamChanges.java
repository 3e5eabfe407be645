package dev.conveyor.iam.store;

import dev.conveyor.store.Database;

/**
 * Writes to IAM's tables that change what an existing access key means or what a principal may do (a key made
 * inactive or deleted, a policy attached, detached, edited or deleted, a user or role removed). Each runs in one
 * transaction that announces the change on the database's change feed, so the in-memory identity cache of every
 * server process sharing the database forgets what it derived ({@link dev.conveyor.iam.identity.IdentityCache}).
 * Creating a new key, user, role, policy or session needs no announcement: nothing cached refers to it yet, and the
 * cache never remembers that a key is unknown.
 */
public final class IamChanges {
    /** The change feed topic of IAM's tables; a change's key is unused (any change forgets everything). */
    public static final String TOPIC = "iam";

    private IamChanges() {
    }

    static <T> T write(Database db, Database.SqlWork<T> work) {
        try {
            return db.inTransaction(c -> {
                T result = work.run(c);
                db.changes().announce(c, TOPIC, "*");
                return result;
            });
        } finally {
            db.changes().changedHere(TOPIC, "*");
        }
    }
}
