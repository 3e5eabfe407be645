/**
 * CloudWatch's persistence: alarms (configuration and state), metric data and alarm history over JDBC, on H2 and
 * PostgreSQL alike. No evaluation logic here.
 */
package dev.conveyor.cloudwatch.store;
