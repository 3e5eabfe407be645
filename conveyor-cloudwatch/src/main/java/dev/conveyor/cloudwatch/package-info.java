/**
 * CloudWatch alarms: {@link dev.conveyor.cloudwatch.Alarms} (the operations, evaluation, and the engine's
 * {@link dev.conveyor.model.alarms.AlarmStates}) and {@link dev.conveyor.cloudwatch.CloudWatchServices}, the module's
 * one entry point for the server. No HTTP here.
 */
package dev.conveyor.cloudwatch;
