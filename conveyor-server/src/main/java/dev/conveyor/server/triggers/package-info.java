/**
 * What starts pipelines besides StartPipelineExecution: pushes to hosted repositories, webhook events, puts to
 * watched S3 objects, polling, schedules and PutActionRevision. Everything here decides which pipelines a
 * change starts and with which trigger, then asks the engine; none of it runs actions.
 */
package dev.conveyor.server.triggers;
