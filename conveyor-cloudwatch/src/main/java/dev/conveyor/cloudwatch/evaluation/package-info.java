/**
 * Threshold evaluation of metric alarms over periods, as a pure function of the alarm, its metric's samples and the
 * time: no I/O here, so every rule (statistics, DatapointsToAlarm, TreatMissingData) is unit-tested with a fixed clock.
 */
package dev.conveyor.cloudwatch.evaluation;
