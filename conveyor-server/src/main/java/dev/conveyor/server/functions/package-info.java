/**
 * The Lambda endpoint: adapts requests signed for {@code lambda} (and GetFunction's code downloads) to conveyor-functions'
 * REST API and writes its answers and errors. No function logic here.
 */
package dev.conveyor.server.functions;
