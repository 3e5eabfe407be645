/**
 * The deployments' endpoint: wires conveyor-deploy to the server (its two JSON services, the bundle downloads agents
 * make, the object store revisions are read from, HAProxy when configured). No deployment logic here.
 */
package dev.conveyor.server.deploy;
