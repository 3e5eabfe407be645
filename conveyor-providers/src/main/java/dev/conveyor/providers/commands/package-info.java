/**
 * The Commands action (Compute/AWS/Commands): shell commands over the input artifacts, on the agent's host; and
 * {@link dev.conveyor.providers.commands.ShellProcess}, the process runner (own session, tree kill, watchdog, bounded
 * output lines) that CodeBuild builds share.
 */
package dev.conveyor.providers.commands;
