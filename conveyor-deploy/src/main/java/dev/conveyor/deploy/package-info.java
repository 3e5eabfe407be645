/**
 * CodeDeploy-compatible deployments to hosts running {@code conveyor agent}: {@link dev.conveyor.deploy.DeployServices}
 * assembles the module for the server. No HTTP here; the server routes requests to the operations.
 */
package dev.conveyor.deploy;
