/**
 * The AWS JSON 1.1 wire protocol: target routing, input-shape validation, and the single mapping of service
 * exceptions to error responses. Operations plug in as {@link dev.conveyor.server.protocol.JsonOperation}s and
 * never see HTTP.
 */
package dev.conveyor.server.protocol;
