/**
 * The client commands ({@code run}, {@code status}, {@code approve}, {@code reject}, {@code logs}): they talk to a
 * running server over its CodePipeline API (the AWS SDK) and its log endpoint, never to its classes, so they work
 * against any Conveyor a URL away. Rendering (tables, live progress, log prefixes) lives here too.
 */
package dev.conveyor.cli.client;
