/**
 * CloudWatch's API: its operations by name and the AWS Query protocol (form in, XML out) driven by the bundled model.
 * HTTP stays in the server, which routes JSON 1.0 requests through its own protocol and Query requests here.
 */
package dev.conveyor.cloudwatch.api;
