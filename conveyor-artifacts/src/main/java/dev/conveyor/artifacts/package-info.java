/**
 * The artifact store: the engine-facing {@link dev.conveyor.artifacts.ArtifactStore}, and below it versioned
 * buckets and objects over content-addressed blobs, encryption and the backends (filesystem, external S3).
 * Nothing here knows about HTTP; the S3 endpoint in conveyor-server is one client of it.
 */
package dev.conveyor.artifacts;
