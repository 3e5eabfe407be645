/**
 * The object store kept in an external S3-compatible service ({@link dev.conveyor.artifacts.external.ExternalS3ObjectStore}),
 * through the AWS SDK's S3 client. Encryption stays on this side: the service only ever receives ciphertext.
 */
package dev.conveyor.artifacts.external;
