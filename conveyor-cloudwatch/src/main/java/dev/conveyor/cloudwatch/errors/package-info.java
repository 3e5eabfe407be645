/** CloudWatch's errors, one class per error shape of the model, each with its Query error code. */
package dev.conveyor.cloudwatch.errors;
