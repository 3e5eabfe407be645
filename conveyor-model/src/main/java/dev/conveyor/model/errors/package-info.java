/**
 * One exception class per API error type, named exactly as the error shape in the AWS service model, so the
 * wire type is the class name. Only the server's protocol layer turns these into responses.
 */
package dev.conveyor.model.errors;
