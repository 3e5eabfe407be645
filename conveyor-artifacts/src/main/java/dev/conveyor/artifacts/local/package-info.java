/**
 * The object store on local disk: {@link dev.conveyor.artifacts.local.LocalObjectStore} (metadata in the database)
 * over {@link dev.conveyor.artifacts.local.BlobStore} (content-addressed files with atomic placement, and chunk
 * checksums that every read verifies). Only this package touches the blob files.
 */
package dev.conveyor.artifacts.local;
