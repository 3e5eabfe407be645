package dev.conveyor.functions;

/**
 * Where a request's code comes from: the zip itself ({@code ZipFile}) or an object of Conveyor's own S3 endpoint
 * ({@code S3Bucket}, {@code S3Key}, optionally {@code S3ObjectVersion}). {@code imageUri} is recorded only to be refused.
 */
public record CodeInput(byte[] zipFile, String s3Bucket, String s3Key, String s3ObjectVersion, String imageUri) {
    public static CodeInput zip(byte[] zip) {
        return new CodeInput(zip, null, null, null, null);
    }
}
