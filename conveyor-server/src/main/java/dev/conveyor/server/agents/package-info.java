/**
 * Conveyor's agent API for remote agents: the same job queue the embedded agent uses, leases renewed over HTTP,
 * logs shipped to the server, results with the artifacts uploaded through the S3 endpoint.
 */
package dev.conveyor.server.agents;
