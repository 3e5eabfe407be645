/**
 * The Lambda API's error types, one class each, named exactly as in botocore's {@code lambda} model. The server maps
 * them to the wire in one place ({@code x-amzn-ErrorType} and a JSON body); nothing here knows HTTP.
 */
package dev.conveyor.functions.errors;
