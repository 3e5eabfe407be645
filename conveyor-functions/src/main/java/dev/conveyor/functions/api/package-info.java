/**
 * The Lambda API subset in AWS's REST-JSON protocol ({@code /2015-03-31/functions…}): routing by method and path,
 * JSON in and out, error bodies. Requests and responses are plain records; the server adapts them to servlets.
 */
package dev.conveyor.functions.api;
