package dev.conveyor.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.model.errors.PipelineVersionNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.changes.ChangeFeed;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pipeline declarations by name and version, parsed once. A stored version never changes, but a deleted and
 * re-created pipeline starts its versions at 1 again, so a pipeline's versions are forgotten whenever it is
 * deleted, in this process or in another replica (the store's change feed tells: {@link
 * PipelineRepository#subscribeToRetirements}), and everything on a gap in that news. Creates and updates add versions
 * and leave the known ones true: forgetting on those too (as before) made each CreatePipeline read and parse its
 * declaration twice, once for its first execution inside its transaction and again once the commit had forgotten
 * it, and left the first copy in the caches, unreachable, until it aged out.
 *
 * <p>Two bounded tiers (issue 20: heap with 10,000 pipelines stored). A parsed declaration takes about three times
 * the heap of its JSON text (3.8 KB against 1.2 KB for the benchmark's three-stage pipelines, 36 MiB for 10,000),
 * and it is only needed for long by the executions in flight, which use a few versions each: so only the versions
 * used most recently are kept parsed, and the JSON text (a Latin-1 string: a byte per character) of many more, so
 * that a version that fell out of the parsed tier is parsed again (tens of microseconds) rather than read from the
 * database again (a query in the caller's transaction). GetPipelineState over every pipeline in turn is what pays for
 * the re-parsing.
 *
 * <p>Forgetting a pipeline's versions is O(1): each pipeline name has a generation, part of every key, which a deletion
 * of the pipeline advances; the entries under the old generation can no longer be looked up and age out of the
 * bounded caches. (Scanning both caches for the name on every write was 2 % of CreatePipeline's CPU with 10,000
 * pipelines.) The map keeps a number per name ever deleted, so that a re-created pipeline never meets entries of its
 * earlier life.
 */
public final class PipelineDeclarations implements ChangeFeed.Listener {
    /**
     * Parsed declarations kept at most: the executions in flight and the pipelines read most lately. Measured both
     * ways (quiet machine, 2026-12-07, 10,000 pipelines): keeping 10,000 raised the heap after loading from 93 to
     * 125 MiB and GetPipelineState from 6,554 to 7,031 req/s (within run-to-run spread), so re-parsing is not what
     * bounds GetPipelineState and 1,000 stays.
     */
    static final int MAX_PARSED = 1_000;
    /** Declaration JSON kept at most, in characters (about as many bytes): some 13,000 of the benchmark's pipelines. */
    static final long MAX_JSON_CHARS = 16L << 20;

    private final PipelineRepository pipelines;
    private final Cache<Key, PipelineDeclaration> parsed;
    private final Cache<Key, String> json = Caffeine.newBuilder().maximumWeight(MAX_JSON_CHARS)
            .weigher((Key key, String text) -> text.length()).build();

    /** Each pipeline's generation, advanced by every deletion of it; an absent name is at generation 0. */
    private final ConcurrentHashMap<String, Long> generations = new ConcurrentHashMap<>();

    private record Key(String name, long generation, int version) {
    }

    public PipelineDeclarations(PipelineRepository pipelines) {
        this(pipelines, MAX_PARSED);
    }

    /** With at most {@code maxParsed} declarations kept parsed (tests use a small bound). */
    PipelineDeclarations(PipelineRepository pipelines, int maxParsed) {
        this.pipelines = pipelines;
        this.parsed = Caffeine.newBuilder().maximumSize(maxParsed).build();
        pipelines.subscribeToRetirements(this);
    }

    /** The declaration of a version, read on the caller's connection when not cached. */
    public PipelineDeclaration get(Connection c, String name, int version) throws SQLException {
        Key key = new Key(name, generations.getOrDefault(name, 0L), version);
        PipelineDeclaration cached = parsed.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        String text = json.getIfPresent(key);
        if (text == null) {
            text = pipelines.declarationJson(c, name, version);
            if (text == null) {
                throw new PipelineVersionNotFoundException("Pipeline '" + name + "' has no version " + version, "pipelineVersion");
            }
            json.put(key, text);
        }
        PipelineDeclaration declaration = ConveyorJson.read(text, PipelineDeclaration.class);
        parsed.put(key, declaration);
        return declaration;
    }

    /** How many versions are held parsed and as text (after pending evictions), for tests. */
    long[] sizes() {
        parsed.cleanUp();
        json.cleanUp();
        return new long[] {parsed.estimatedSize(), json.estimatedSize()};
    }

    /** The pipeline was deleted (and may be created again): forget every version parsed of it. */
    @Override
    public void changed(String name) {
        generations.merge(name, 1L, Long::sum);
    }

    @Override
    public void gap() {
        parsed.invalidateAll();
        json.invalidateAll();
    }
}
