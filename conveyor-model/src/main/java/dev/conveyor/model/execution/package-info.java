/**
 * Execution statuses as the API names them, each with the table of transitions the engine may make. The engine
 * consults these tables before every write; nothing else decides what a legal move is.
 */
package dev.conveyor.model.execution;
