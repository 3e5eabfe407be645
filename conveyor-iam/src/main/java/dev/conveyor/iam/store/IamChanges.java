package dev.conveyor.iam.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.store.Database;
import dev.conveyor.store.changes.ChangeFeed;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What authentication and authorization derive from IAM's tables (a key's principal, a principal's policies, a
 * bucket's policy), kept in memory and forgotten on every IAM change, in this process and in every other process
 * sharing the database ({@link ChangeFeed}, topic {@value #TOPIC}): every IAM write goes through {@link #write}, which
 * announces the change inside its transaction and forgets everything here once it committed, so a key revoked by
 * UpdateAccessKey or DeleteAccessKey is refused by this process as soon as the call returns (and by the others as
 * soon as the feed delivers the change). IAM changes are rare beside requests: any change forgets everything.
 *
 * <p>As with the pipeline cache, a load that raced a change must not put back what it read before the change
 * committed (each change bumps a generation, and a load's result is kept only if its generation still holds), and
 * nothing is answered from memory while the feed is unreliable. Bounded: at most {@value #MAX_ENTRIES} entries.
 */
public final class IamChanges implements ChangeFeed.Listener {
    public static final String TOPIC = "iam";
    static final int MAX_ENTRIES = 20_000;
    private static final Object ABSENT = new Object();

    private final ChangeFeed feed;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<Object, Object> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    public IamChanges(ChangeFeed feed) {
        this.feed = feed;
        feed.subscribe(TOPIC, this);
    }

    /**
     * The value of {@code key} from memory, else {@code load}ed (and kept unless a change raced the load). A null
     * load is kept too (as absence) only when {@code keepAbsent}: a key nobody issued is not worth remembering.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Supplier<T> load, boolean keepAbsent) {
        if (!feed.reliable()) {
            return load.get();
        }
        Object known = entries.getIfPresent(key);
        if (known != null) {
            return known == ABSENT ? null : (T) known;
        }
        long stamp = generation.get();
        T value = load.get();
        if (value == null && !keepAbsent) {
            return null;
        }
        Object kept = value == null ? ABSENT : value;
        if (generation.get() == stamp) {
            entries.put(key, kept);
            if (generation.get() != stamp) {
                entries.asMap().remove(key, kept); // a change landed while we stored: it wins
            }
        }
        return value;
    }

    /** Runs an IAM write in a transaction that announces the change; this process forgets what it knew once it committed. */
    public <T> T write(Database db, Database.SqlWork<T> work) {
        try {
            return db.inTransaction(c -> {
                T result = work.run(c);
                feed.announce(c, TOPIC, "*");
                return result;
            });
        } finally {
            // Also after a failure: what a failed transaction did not change does not hurt to forget.
            feed.changedHere(TOPIC, "*");
        }
    }

    /** How many entries are held (for tests). */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    @Override
    public void changed(String key) {
        generation.incrementAndGet();
        entries.invalidateAll();
    }

    @Override
    public void gap() {
        generation.incrementAndGet();
        entries.invalidateAll();
    }
}
