package dev.conveyor.model.actiontype;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.List;
import java.util.Optional;

/** Looks up action types by id; the validator and ListActionTypes read the same registry. */
public interface ActionTypeRegistry {

    /** The definition with exactly this category, owner, provider and version, if any. */
    Optional<ActionTypeDefinition> find(ActionTypeId id);

    /** Every definition, in a stable order. */
    List<ActionTypeDefinition> all();
}
