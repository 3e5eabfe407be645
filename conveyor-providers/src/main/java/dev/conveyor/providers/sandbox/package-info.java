/**
 * Where jobs' commands run: {@link dev.conveyor.providers.sandbox.JobSandbox}, the one way the Commands and CodeBuild
 * providers (on the embedded agent, remote agents and the server's StartBuild builds) start a job's processes, so that
 * they cannot reach the agent's environment, files or other jobs; and
 * {@link dev.conveyor.providers.sandbox.JobIdentity}, the job's own role credentials. Nothing here reads the server's
 * database: a job's identity is asked of the server through the job.
 */
package dev.conveyor.providers.sandbox;
