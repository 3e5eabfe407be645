/**
 * Validation beyond the service model's per-member constraints: {@link dev.conveyor.model.validation.PipelineValidator}
 * checks a pipeline declaration's cross-member rules through one small check per rule family, and
 * {@link dev.conveyor.model.validation.TagValidator} checks request tags. Both return every
 * {@link dev.conveyor.model.validation.Violation}, which {@link dev.conveyor.model.validation.Violations} turns into
 * the API's error.
 */
package dev.conveyor.model.validation;
