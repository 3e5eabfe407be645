/**
 * Deployments in motion: plans, the durable state machine that carries them out, the host-command API agents poll,
 * and the seams to the outside (revision store, traffic control, alarms). Every transition is committed before acted on.
 */
package dev.conveyor.deploy.engine;
