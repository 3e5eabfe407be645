package dev.conveyor.artifacts;

/** An object version in a bucket: what job workers are given as an artifact's location. */
public record S3Location(String bucket, String key, String versionId) {
    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key + (versionId == null ? "" : "?versionId=" + versionId);
    }
}
