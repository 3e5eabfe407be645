package dev.conveyor.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.store.changes.ChangeFeed;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest version of the pipelines read lately, in memory: GetPipeline and the engine read a declaration far
 * more often than anyone writes one, and a read from memory costs microseconds where the database costs a pooled
 * connection, a query and a copy of the declaration.
 *
 * <p>It stays true to the database through the {@link ChangeFeed}: every write of a pipeline (in any process
 * sharing the database) evicts it, a gap in the feed evicts everything, and while the feed is unreliable nothing
 * is answered from memory. A read that raced a write must not put back what it read before the write committed:
 * each change bumps a generation, and a read's result is kept only if the generation it started under still holds
 * after it is stored.
 */
final class PipelineCache implements ChangeFeed.Listener {
    static final String TOPIC = "pipeline";
    /** Declaration characters kept at most (Latin-1 strings: about as many bytes of heap). */
    private static final long MAX_DECLARATION_CHARS = 64L * 1024 * 1024;

    private final ChangeFeed feed;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<String, StoredPipeline> latest = Caffeine.newBuilder()
            .maximumWeight(MAX_DECLARATION_CHARS)
            .weigher((String name, StoredPipeline stored) -> stored.declarationJson().length())
            .build();

    PipelineCache(ChangeFeed feed) {
        this.feed = feed;
        feed.subscribe(TOPIC, this);
    }

    /** The latest version of {@code name} if it is in memory and the feed can vouch for it, else null. */
    StoredPipeline latest(String name) {
        return feed.reliable() ? latest.getIfPresent(name) : null;
    }

    /** Taken before reading from the database; {@link #keep} needs it. */
    long stamp() {
        return generation.get();
    }

    /** Keeps what a read that began at {@code stamp} found, unless something changed since. */
    void keep(StoredPipeline stored, long stamp) {
        if (!feed.reliable() || generation.get() != stamp) {
            return;
        }
        latest.put(stored.name(), stored);
        if (generation.get() != stamp) {
            latest.asMap().remove(stored.name(), stored); // a change landed while we stored: it wins
        }
    }

    @Override
    public void changed(String name) {
        generation.incrementAndGet();
        latest.invalidate(name);
    }

    @Override
    public void gap() {
        generation.incrementAndGet();
        latest.invalidateAll();
    }
}
