package dev.conveyor.iam.policy;

import java.util.List;
import java.util.Map;

/**
 * One statement. Exactly one of Action/NotAction and (for identity policies) of Resource/NotResource was given:
 * {@code notAction} and {@code notResource} say which. {@code principals} is the Principal element of a trust
 * policy by type ("AWS", "Service", …), empty in identity policies.
 */
public record Statement(String sid, Effect effect, boolean notAction, List<String> actions, boolean notResource,
                        List<String> resources, List<Condition> conditions, Map<String, List<String>> principals) {
    public Statement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        conditions = List.copyOf(conditions);
        principals = Map.copyOf(principals);
    }
}
