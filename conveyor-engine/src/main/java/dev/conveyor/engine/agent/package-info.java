/**
 * Agents: the workers that run built-in providers' jobs, in the server's process or on other hosts, behind one
 * {@link dev.conveyor.engine.agent.JobChannel}. Providers implement {@link dev.conveyor.engine.agent.ActionProvider}
 * and live in conveyor-providers.
 */
package dev.conveyor.engine.agent;
