/** Action logs over HTTP, read from the files agents write, for the CLI's {@code logs --follow} and the console. */
package dev.conveyor.server.logs;
