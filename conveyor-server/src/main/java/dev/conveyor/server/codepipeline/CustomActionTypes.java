package dev.conveyor.server.codepipeline;

import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.ActionTypeRepository;
import java.util.List;
import java.util.Optional;

/**
 * The custom action types registered with this server, as a registry for pipeline validation. Reads go to the
 * database every time, so every replica sees a type as soon as any replica registered it.
 */
public final class CustomActionTypes implements ActionTypeRegistry {
    private final ActionTypeRepository repository;

    public CustomActionTypes(ActionTypeRepository repository) {
        this.repository = repository;
    }

    @Override
    public Optional<ActionTypeDefinition> find(ActionTypeId id) {
        return repository.find(id).filter(t -> !t.deleted())
                .map(t -> ConveyorJson.read(t.definitionJson(), ActionTypeDefinition.class));
    }

    @Override
    public List<ActionTypeDefinition> all() {
        return repository.live().stream().map(t -> ConveyorJson.read(t.definitionJson(), ActionTypeDefinition.class)).toList();
    }
}
