package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.actiontype.ArtifactCount;
import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.actiontype.ConfigurationProperty;
import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each action against its type: the type exists, artifact counts are in range, required configuration is present,
 * and the members that only some types accept (commands, outputVariables, timeoutInMinutes) appear only there.
 * Every rule concerns one action on its own, so every violation is an {@code InvalidActionDeclarationException}.
 *
 * <p>Unknown configuration keys are refused for Custom types only. AWS adds keys to its own providers over time,
 * and a definition that runs on AWS must run here unchanged, so built-in (AWS and ThirdParty) types stay permissive.
 */
final class ActionTypeCheck implements PipelineCheck {
    private final ActionTypeRegistry registry;

    ActionTypeCheck(ActionTypeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        for (LocatedAction action : index.actions()) {
            if (action.typeId() == null) {
                continue;
            }
            checkTypeSpecificMembers(action, out);
            Optional<ActionTypeDefinition> definition = registry.find(action.typeId());
            if (definition.isEmpty()) {
                out.add(new Violation(InvalidActionDeclarationException.class, action.path("actionTypeId"),
                        "ActionType %s in action '%s' is not available".formatted(action.typeId(), action.name())));
                continue;
            }
            checkArtifactCount(action, "input", "inputArtifacts",
                    action.declaration().inputArtifactsOrEmpty().size(), definition.get().inputArtifacts(), out);
            checkArtifactCount(action, "output", "outputArtifacts",
                    action.declaration().outputArtifactsOrEmpty().size(), definition.get().outputArtifacts(), out);
            checkConfiguration(action, definition.get(), out);
        }
    }

    /**
     * commands and outputVariables belong to the Commands action, which requires commands; timeoutInMinutes is
     * "available only to the manual approval ActionType" (API reference, ActionDeclaration).
     */
    private static void checkTypeSpecificMembers(LocatedAction action, List<Violation> out) {
        ActionDeclaration declaration = action.declaration();
        boolean commandsAction = BuiltInActionTypes.COMMANDS.equals(action.typeId());
        if (commandsAction && (declaration.commands() == null || declaration.commands().isEmpty())) {
            out.add(new Violation(InvalidActionDeclarationException.class, action.path("commands"),
                    "Commands action '%s' must declare the commands to run.".formatted(action.name())));
        }
        if (!commandsAction && declaration.commands() != null) {
            out.add(new Violation(InvalidActionDeclarationException.class, action.path("commands"),
                    "Action '%s' declares commands, which only a Compute/AWS/Commands action accepts."
                            .formatted(action.name())));
        }
        if (!commandsAction && declaration.outputVariables() != null) {
            out.add(new Violation(InvalidActionDeclarationException.class, action.path("outputVariables"),
                    "Action '%s' declares outputVariables, which only a Compute/AWS/Commands action accepts."
                            .formatted(action.name())));
        }
        if (declaration.timeoutInMinutes() != null && !BuiltInActionTypes.MANUAL_APPROVAL.equals(action.typeId())) {
            out.add(new Violation(InvalidActionDeclarationException.class, action.path("timeoutInMinutes"),
                    "Action '%s' declares timeoutInMinutes, which only a manual approval action accepts."
                            .formatted(action.name())));
        }
    }

    private static void checkArtifactCount(LocatedAction action, String kind, String member, int count,
            ArtifactCount allowed, List<Violation> out) {
        if (!allowed.allows(count)) {
            out.add(new Violation(InvalidActionDeclarationException.class, action.path(member),
                    "Action '%s' has %d %s artifacts; ActionType %s accepts %s."
                            .formatted(action.name(), count, kind, action.typeId(), allowed.describe())));
        }
    }

    private static void checkConfiguration(LocatedAction action, ActionTypeDefinition definition, List<Violation> out) {
        Map<String, String> configuration = action.declaration().configurationOrEmpty();
        for (ConfigurationProperty property : definition.requiredProperties()) {
            if (configuration.get(property.name()) == null) {
                out.add(new Violation(InvalidActionDeclarationException.class,
                        action.path("configuration." + property.name()),
                        "Action '%s' is missing the required configuration property '%s' of ActionType %s."
                                .formatted(action.name(), property.name(), action.typeId())));
            }
        }
        if (!definition.isCustom()) {
            return;
        }
        for (Map.Entry<String, String> entry : configuration.entrySet()) {
            String key = entry.getKey();
            java.util.Optional<ConfigurationProperty> property = definition.property(key);
            if (property.isEmpty()) {
                out.add(new Violation(InvalidActionDeclarationException.class, action.path("configuration." + key),
                        "Configuration property '%s' of action '%s' is not defined by ActionType %s."
                                .formatted(key, action.name(), action.typeId())));
            } else if (!fitsType(property.get(), entry.getValue())) {
                out.add(new Violation(InvalidActionDeclarationException.class, action.path("configuration." + key),
                        "Configuration property '%s' of action '%s' must be a %s, not '%s'."
                                .formatted(key, action.name(), property.get().type().wireName(), entry.getValue())));
            }
        }
    }

    /**
     * Whether a value fits the property's declared type. A value holding a variable reference is only known once
     * resolved, so it is accepted here.
     */
    private static boolean fitsType(ConfigurationProperty property, String value) {
        if (property.type() == null || value == null || value.contains("#{")) {
            return true;
        }
        return switch (property.type()) {
            case STRING -> true;
            case NUMBER -> value.strip().matches("-?\\d+(\\.\\d+)?");
            case BOOLEAN -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
        };
    }
}
