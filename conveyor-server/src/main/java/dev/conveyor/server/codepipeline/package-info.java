/**
 * The CodePipeline API's operations, grouped by what they manage (pipeline definitions here; executions, jobs
 * and webhooks in their own classes). They translate between request JSON and the store and engine; the wire
 * format belongs to {@code dev.conveyor.server.protocol}.
 */
package dev.conveyor.server.codepipeline;
