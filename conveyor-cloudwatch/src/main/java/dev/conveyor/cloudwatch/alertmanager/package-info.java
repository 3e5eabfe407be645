/** Prometheus Alertmanager's webhook: firing and resolved alerts set alarms to ALARM and OK. */
package dev.conveyor.cloudwatch.alertmanager;
