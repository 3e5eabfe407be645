/**
 * CodeDeploy's error types, one class per error shape of the service model (the class name is the wire's
 * {@code __type}). Each carries the offending input member when there is one.
 */
package dev.conveyor.deploy.errors;
