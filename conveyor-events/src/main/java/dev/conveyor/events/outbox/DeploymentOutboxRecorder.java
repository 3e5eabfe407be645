package dev.conveyor.events.outbox;

import dev.conveyor.events.Json;
import dev.conveyor.store.outbox.DeploymentRecorder;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Turns deployments' status changes into CodeDeploy's events, inside the deployments' transaction: each change that
 * CodeDeploy tells is an event in the outbox (no pipeline; ordered per deployment, the deployment id standing where an
 * execution id stands), routed and delivered after commit like CodePipeline's.
 */
public final class DeploymentOutboxRecorder implements DeploymentRecorder {
    private final Outbox outbox;
    private final CodeDeployEvents events;
    private final Clock clock;
    private final Runnable onCommit;

    public DeploymentOutboxRecorder(Outbox outbox, CodeDeployEvents events, Clock clock, Runnable onCommit) {
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
        this.onCommit = onCommit;
    }

    @Override
    public void record(Connection connection, Change change) throws SQLException {
        List<String> states = change.ofInstance() ? CodeDeployEvents.instanceStates(change.previousStatus(), change.status())
                : stateOf(change.status());
        Instant now = clock.instant();
        for (String state : states) {
            String id = CodePipelineEvents.newId();
            String detailType = change.ofInstance() ? CodeDeployEvents.INSTANCE_STATE_CHANGE : CodeDeployEvents.DEPLOYMENT_STATE_CHANGE;
            outbox.add(connection, id, OutboxRow.EVENT, null, change.deploymentId(), detailType, null, null,
                    Json.write(events.event(id, change, state, now)), now);
        }
    }

    private static List<String> stateOf(String status) {
        String state = CodeDeployEvents.deploymentState(status);
        return state == null ? List.of() : List.of(state);
    }

    @Override
    public void committed() {
        onCommit.run();
    }
}
