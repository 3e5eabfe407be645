/**
 * The stage-condition rule providers that reach services the engine must not depend on: CodeBuild (builds of this
 * server), and the rule types that run as jobs (Commands on agents, LambdaInvoke on the invoke worker), registered with
 * their job's action type and log link. Wiring only: each adapts a service to the engine's rule interfaces.
 */
package dev.conveyor.server.conditions;
