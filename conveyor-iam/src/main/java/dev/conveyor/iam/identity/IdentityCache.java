package dev.conveyor.iam.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.iam.store.IamChanges;
import dev.conveyor.store.changes.ChangeFeed;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What authenticating and authorizing a request derive from IAM's tables, kept in memory: an access key's signing
 * key (its principal and decrypted secret), a principal's effective policies, and what they allowed it. Without it every signed request
 * read the database about six times before its operation began (two fifths of GetPipeline's CPU, issue 20).
 *
 * <p>It stays true to the database as the pipeline cache does: every IAM write that can change the meaning of a key
 * or a principal's rights announces itself on the change feed ({@link IamChanges}) and empties this cache in every
 * process sharing the database, at once in the writing process (so a key deactivated by UpdateAccessKey is refused
 * by the next request); a gap in the feed empties it too, and while the feed is unreliable nothing is answered from
 * memory. A lookup that raced a write does not keep what it read: each change bumps a generation, and a result is
 * kept only if the generation its read began under still holds. Unknown keys are never remembered, so a key or
 * session created a moment ago is found at once.
 */
public final class IdentityCache implements ChangeFeed.Listener {
    private static final int MAX_ENTRIES = 10_000;

    private final ChangeFeed feed;
    private final AtomicLong generation = new AtomicLong();
    private final Cache<String, SigningKey> keys = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();
    private final Cache<String, Object> perPrincipal = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();
    /** Allowed requests by principal, action and resource, apart so that many resources do not evict the policies. */
    private final Cache<AllowedKey, Object> allowed = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    private record AllowedKey(String principalArn, String action, String resource) {
    }

    public IdentityCache(ChangeFeed feed) {
        this.feed = feed;
        feed.subscribe(IamChanges.TOPIC, this);
    }

    /** The signing key of {@code accessKeyId}, from memory or from {@code load} (an empty result is not kept). */
    Optional<SigningKey> signingKey(String accessKeyId, Supplier<Optional<SigningKey>> load) {
        if (!feed.reliable()) {
            return load.get();
        }
        SigningKey known = keys.getIfPresent(accessKeyId);
        if (known != null) {
            return Optional.of(known);
        }
        long stamp = generation.get();
        Optional<SigningKey> loaded = load.get();
        loaded.ifPresent(key -> keep(keys, accessKeyId, key, stamp));
        return loaded;
    }

    /**
     * What {@code load} derives for one principal (its policies, its role's ARN…), under {@code key}, which names the
     * principal and what is derived ({@code policies:user/alice}). A null result is answered and not kept.
     */
    public <T> T derived(String key, Supplier<T> load) {
        return remembered(perPrincipal, key, load, loaded -> true);
    }

    /**
     * What {@code decide} decides for {@code principalArn} doing {@code action} on {@code resource}, kept when
     * {@code keepIf} holds for it: for an Allow that nothing else of a request can change (the caller knows when that
     * holds). Emptied by every IAM change, as the rest.
     */
    public <T> T allowed(String principalArn, String action, String resource, Supplier<T> decide, Predicate<T> keepIf) {
        return remembered(allowed, new AllowedKey(principalArn, action, resource), decide, keepIf);
    }

    /**
     * {@code key}'s value in {@code cache}, or {@code load}'s, kept when it is non-null, {@code keepIf} holds for it and
     * no change landed meanwhile.
     */
    @SuppressWarnings("unchecked")
    private <K, T> T remembered(Cache<K, Object> cache, K key, Supplier<T> load, Predicate<T> keepIf) {
        if (!feed.reliable()) {
            return load.get();
        }
        Object known = cache.getIfPresent(key);
        if (known != null) {
            return (T) known;
        }
        long stamp = generation.get();
        T loaded = load.get();
        if (loaded != null && keepIf.test(loaded)) {
            keep(cache, key, loaded, stamp);
        }
        return loaded;
    }

    /**
     * As {@link #derived}, for what may not exist: a result found is kept, an empty one is not (creating a user or a
     * role announces nothing, so remembering that one is missing would hide it once created).
     */
    public <T> Optional<T> derivedWhenPresent(String key, Supplier<Optional<T>> load) {
        return Optional.ofNullable(derived(key, () -> load.get().orElse(null)));
    }

    private <K, V> void keep(Cache<K, V> cache, K key, V value, long stamp) {
        if (generation.get() != stamp) {
            return;
        }
        cache.put(key, value);
        if (generation.get() != stamp) {
            cache.asMap().remove(key, value); // a change landed while we stored: it wins
        }
    }

    @Override
    public void changed(String key) {
        forget();
    }

    @Override
    public void gap() {
        forget();
    }

    private void forget() {
        generation.incrementAndGet();
        keys.invalidateAll();
        perPrincipal.invalidateAll();
        allowed.invalidateAll();
    }
}
