/**
 * The HTTP side of IAM and STS: reading AWS Query protocol requests, verifying their SigV4 signatures with the keys
 * conveyor-iam stores, and writing its XML answers. The operations themselves live in conveyor-iam.
 */
package dev.conveyor.server.iam;
