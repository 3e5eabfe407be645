/**
 * The object layer: buckets and versioned objects with S3's semantics ({@link dev.conveyor.artifacts.object.ObjectStore}),
 * the records it speaks in and the S3 error codes it fails with. No HTTP and no storage details live here.
 */
package dev.conveyor.artifacts.object;
