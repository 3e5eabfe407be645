package dev.conveyor.engine;

import dev.conveyor.model.errors.PipelineVersionNotFoundException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.PipelineRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pipeline declarations by name and version, parsed once. A stored version never changes, so entries need no
 * invalidation, except that a deleted and re-created pipeline starts its versions at 1 again: {@link #forget}.
 */
public final class PipelineDeclarations {
    private final PipelineRepository pipelines;
    private final Map<String, PipelineDeclaration> cache = new ConcurrentHashMap<>();

    public PipelineDeclarations(PipelineRepository pipelines) {
        this.pipelines = pipelines;
    }

    /** The declaration of a version, read on the caller's connection when not cached. */
    public PipelineDeclaration get(Connection c, String name, int version) throws SQLException {
        String key = name + "\n" + version;
        PipelineDeclaration cached = cache.get(key);
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

    /** Forgets a deleted pipeline's versions. */
    public void forget(String name) {
        cache.keySet().removeIf(k -> k.startsWith(name + "\n"));
    }
}
