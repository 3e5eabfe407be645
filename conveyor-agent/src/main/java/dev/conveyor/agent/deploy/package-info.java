/**
 * The CodeDeploy agent side of {@code conveyor agent}: registration as an on-premises instance, host commands,
 * appspec.yml and its lifecycle hooks run on this host. Talks to the server's APIs only; no server code here.
 */
package dev.conveyor.agent.deploy;
