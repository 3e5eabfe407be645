/**
 * Persistence of executions: pipeline, stage and action executions, jobs and stage transitions. Methods take the
 * caller's connection because the engine changes several of these rows in one transaction under the pipeline's
 * row lock; nothing here decides what a legal state change is.
 */
package dev.conveyor.store.execution;
