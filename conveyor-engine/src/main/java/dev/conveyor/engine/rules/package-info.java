/**
 * Stage conditions' rules: the {@link dev.conveyor.engine.rules.RuleProvider} interface a rule type implements, the
 * built-in providers that need nothing outside the engine (VariableCheck, DeploymentWindow, CloudWatchAlarm), and the
 * durable records of condition and rule executions. Providers that reach other services (functions, builds) are
 * registered by the server; nothing here runs a rule inside a transaction.
 */
package dev.conveyor.engine.rules;
