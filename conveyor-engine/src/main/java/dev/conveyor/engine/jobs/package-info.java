/**
 * Jobs: action executions handed to workers (the embedded agent, remote agents, third-party job workers) by the
 * same queue, with claims that go to one worker only, leases, and the outcomes workers report.
 */
package dev.conveyor.engine.jobs;
