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

/**
 * Pipeline declarations by name and version, parsed once. A stored version never changes, but a deleted and
 * re-created pipeline starts its versions at 1 again, so a pipeline's parsed versions are forgotten whenever it is
 * written, in this process or in another replica (the store's change feed tells), and everything on a gap in
 * that news. Bounded, so that a server with many pipelines keeps only the versions its executions use.
 */
public final class PipelineDeclarations implements ChangeFeed.Listener {
    /** Parsed declarations kept at most: executions in flight use a few versions each. */
    private static final int MAX_VERSIONS = 10_000;

    private final PipelineRepository pipelines;
    private final Cache<Key, PipelineDeclaration> cache = Caffeine.newBuilder().maximumSize(MAX_VERSIONS).build();

    private record Key(String name, int version) {
    }

    public PipelineDeclarations(PipelineRepository pipelines) {
        this.pipelines = pipelines;
        pipelines.subscribe(this);
    }

    /** The declaration of a version, read on the caller's connection when not cached. */
    public PipelineDeclaration get(Connection c, String name, int version) throws SQLException {
        Key key = new Key(name, version);
        PipelineDeclaration cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        String json = pipelines.declarationJson(c, name, version);
        if (json == null) {
            throw new PipelineVersionNotFoundException("Pipeline '" + name + "' has no version " + version, "pipelineVersion");
        }
        PipelineDeclaration declaration = ConveyorJson.read(json, PipelineDeclaration.class);
        cache.put(key, declaration);
        return declaration;
    }

    /** The pipeline was written (perhaps deleted and re-created): forget every version parsed of it. */
    @Override
    public void changed(String name) {
        cache.asMap().keySet().removeIf(k -> k.name().equals(name));
    }

    @Override
    public void gap() {
        cache.invalidateAll();
    }
}
