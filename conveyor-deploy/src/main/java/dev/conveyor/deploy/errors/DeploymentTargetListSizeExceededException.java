package dev.conveyor.deploy.errors;

import dev.conveyor.model.errors.ServiceException;

/** CodeDeploy's DeploymentTargetListSizeExceededException: BatchGetDeploymentTargets asked for more than 25 targets. */
public final class DeploymentTargetListSizeExceededException extends ServiceException {
    public DeploymentTargetListSizeExceededException(String message, String path) {
        super(message, path);
    }
}
