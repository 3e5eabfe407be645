package dev.conveyor.server.iam;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.changes.ChangeFeed;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who wrote a pipeline's version ({@link PipelineRepository#author}), remembered: the job gate asks on every job, and a
 * version's author never changes. A deleted and re-created pipeline starts its versions at 1 again, so what is known of
 * a pipeline is forgotten whenever it is deleted, here or in another process sharing the database (the store's change
 * feed: {@link PipelineRepository#subscribeToRetirements}), and everything on a gap in that news; while the news is
 * unreliable, nothing is answered from memory. A read that raced a deletion is not kept. Creates and updates only add
 * versions: forgetting on each of them scanned the whole cache per write (1.5 % of the server's processor while 10,000
 * pipelines were created, and growing with the pipelines known). Bounded: executions in flight use a few versions each.
 */
public final class PipelineAuthors implements ChangeFeed.Listener {
    private static final int MAX_VERSIONS = 10_000;

    private record Key(String name, int version) {
    }

    private final PipelineRepository pipelines;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<Key, Optional<String>> authors = Caffeine.newBuilder().maximumSize(MAX_VERSIONS).build();

    public PipelineAuthors(PipelineRepository pipelines) {
        this.pipelines = pipelines;
        pipelines.subscribeToRetirements(this);
    }

    /** The recorded author of the version (PrincipalRecords text), null when none was recorded. */
    public String author(String name, int version) {
        if (!pipelines.changesReliable()) {
            return pipelines.author(name, version);
        }
        Key key = new Key(name, version);
        Optional<String> known = authors.getIfPresent(key);
        if (known != null) {
            return known.orElse(null);
        }
        long stamp = generation.get();
        String author = pipelines.author(name, version);
        if (generation.get() == stamp) {
            authors.put(key, Optional.ofNullable(author));
            if (generation.get() != stamp) {
                authors.invalidate(key); // a write landed while we stored: it wins
            }
        }
        return author;
    }

    @Override
    public void changed(String name) {
        generation.incrementAndGet();
        authors.asMap().keySet().removeIf(k -> k.name().equals(name));
    }

    @Override
    public void gap() {
        generation.incrementAndGet();
        authors.invalidateAll();
    }
}
