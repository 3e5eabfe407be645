/**
 * The remote agent: the engine's Agent over an HTTP job channel to a server's agent API, with artifacts read and
 * written through the server's S3 endpoint using each job's own credentials.
 */
package dev.conveyor.agent;
