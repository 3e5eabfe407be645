/**
 * The execution engine: the commands that change executions (ExecutionEngine), the walk of an execution through
 * its stages and runOrder groups with the execution modes' rules (ExecutionAdvancer), action launch with variable
 * and artifact resolution, and timers. Stage conditions, rule runs, automatic retries and rollbacks are kept apart
 * (StageOutcomes, StageConditions, StageRollbacks, RuleRunner, ConditionCommands): the advancer only calls them at a
 * stage's edges. State lives in the database; this package holds no execution state in
 * memory beyond a transaction.
 */
package dev.conveyor.engine;
