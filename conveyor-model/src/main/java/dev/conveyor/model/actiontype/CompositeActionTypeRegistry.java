package dev.conveyor.model.actiontype;

import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built-in types followed by a caller-supplied registry of custom ones. Built-ins win on a clash, since a
 * custom type cannot take over an AWS provider; in practice ids never clash because custom types have owner Custom.
 */
public final class CompositeActionTypeRegistry implements ActionTypeRegistry {
    private final ActionTypeRegistry builtIns;
    private final ActionTypeRegistry custom;

    public CompositeActionTypeRegistry(ActionTypeRegistry builtIns, ActionTypeRegistry custom) {
        this.builtIns = builtIns;
        this.custom = custom;
    }

    /** AWS's providers plus {@code custom}. */
    public static CompositeActionTypeRegistry withBuiltIns(ActionTypeRegistry custom) {
        return new CompositeActionTypeRegistry(BuiltInActionTypes.instance(), custom);
    }

    @Override
    public Optional<ActionTypeDefinition> find(ActionTypeId id) {
        return builtIns.find(id).or(() -> custom.find(id));
    }

    @Override
    public List<ActionTypeDefinition> all() {
        List<ActionTypeDefinition> all = new ArrayList<>(builtIns.all());
        custom.all().stream().filter(d -> builtIns.find(d.id()).isEmpty()).forEach(all::add);
        return List.copyOf(all);
    }
}
