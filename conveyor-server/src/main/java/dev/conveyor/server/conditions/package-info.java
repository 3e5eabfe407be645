/**
 * The stage-condition rule providers that reach services the engine must not depend on: LambdaInvoke (functions),
 * CodeBuild (builds of this server) and Commands (a shell on this server). Wiring only: each adapts a service's
 * in-process API to the engine's {@link dev.conveyor.engine.rules.RuleProvider}.
 */
package dev.conveyor.server.conditions;
