package dev.conveyor.store.outbox;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told of every status change of a deployment or of one of its targets (instances), inside the transaction that makes
 * it, so that what it writes commits or rolls back with the change (the recorder stamps it with its own clock); then,
 * after the commit, asked to deliver. The deployments' module calls it at its state machine's transition points, as
 * the engine calls its {@code TransitionRecorder}; it never learns what the recorder writes.
 */
public interface DeploymentRecorder {
    /** Records nothing. */
    DeploymentRecorder NONE = (connection, change) -> {
    };

    /**
     * One status change, in CodeDeploy's API words.
     *
     * @param deploymentId      the deployment ({@code d-…})
     * @param application       its application's name
     * @param deploymentGroup   its deployment group's name
     * @param deploymentGroupId the group's id (CodeDeploy's {@code instanceGroupId} in events), null when unknown
     * @param instanceId        the target instance for an instance's change, null for the deployment's own
     * @param previousStatus    the status before (null when the row is new)
     * @param status            the status now: a DeploymentStatus (Created, Queued, InProgress, Baking, Succeeded, Failed,
     *                          Stopped, Ready) or, for an instance, a TargetStatus (Pending, InProgress, Succeeded, Failed,
     *                          Skipped, Unknown, Ready)
     */
    record Change(String deploymentId, String application, String deploymentGroup, String deploymentGroupId, String instanceId,
                  String previousStatus, String status) {
        public boolean ofInstance() {
            return instanceId != null;
        }
    }

    /** Inside the transaction, after the change was written (an exception rolls the change back). */
    void record(Connection connection, Change change) throws SQLException;

    /** After the transaction committed: deliver what was recorded. Must not block. */
    default void committed() {
    }
}
