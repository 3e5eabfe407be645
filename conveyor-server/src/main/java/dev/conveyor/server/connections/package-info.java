/**
 * Connections to git servers, as the CodeConnections (and CodeStar connections) API manages them: hosts with a
 * provider endpoint, connections to a host or to a provider's public service, and their resolution to a git URL
 * for CodeStarSourceConnection and GitHub sources. A host whose endpoint is this server's {@code /v1/repos} is
 * the hosted repositories.
 */
package dev.conveyor.server.connections;
