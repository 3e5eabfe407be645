/**
 * The S3 REST endpoint (path-style, SigV4-signed like any S3 request) over the artifact object store, and the
 * assembly of the artifact services. Request parsing, aws-chunked decoding, checksums and XML live here; bucket
 * and object semantics live in conveyor-artifacts.
 */
package dev.conveyor.server.s3;
