/**
 * Invoke actions the server runs itself rather than through an agent: an {@link dev.conveyor.engine.invoke.InProcessJobWorker}
 * takes their jobs from the queue (as a job worker would with PollForJobs) and hands each to its handler;
 * {@link dev.conveyor.engine.invoke.PipelineInvokeAction} starts another pipeline. The Lambda invoke action lives
 * with the functions (conveyor-functions) and plugs in here.
 */
package dev.conveyor.engine.invoke;
