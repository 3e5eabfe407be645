/**
 * Running functions: instances as local processes, each served the Lambda Runtime API on a loopback port of its own
 * so the official runtime interface clients work unchanged; the pool that reuses warm instances and bounds concurrency.
 * Nothing here reads the database or speaks the Lambda API.
 */
package dev.conveyor.functions.runtime;
