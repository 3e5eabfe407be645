/**
 * Lambda-compatible functions: {@link dev.conveyor.functions.FunctionServices} assembles them and
 * {@link dev.conveyor.functions.Functions} is their one entry point (create, update, delete, invoke) for the Lambda API
 * and the engine. HTTP stays in the server; processes in {@code runtime}; rows in {@code store}.
 */
package dev.conveyor.functions;
