/** The Commands action (Compute/AWS/Commands): shell commands over the input artifacts, on the agent's host. */
package dev.conveyor.providers.commands;
