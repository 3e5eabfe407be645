/**
 * AWS service models read from the classpath, and the validator that checks requests against their shapes.
 * The models are botocore's, with documentation stripped; they are data, never edited by hand.
 */
package dev.conveyor.model.servicemodel;
