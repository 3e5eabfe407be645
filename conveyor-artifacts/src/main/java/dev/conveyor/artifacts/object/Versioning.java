package dev.conveyor.artifacts.object;

/** A bucket's versioning state as S3 reports it; {@link #UNVERSIONED} is a bucket where it was never enabled. */
public enum Versioning {
    UNVERSIONED, ENABLED, SUSPENDED;

    /** The {@code <Status>} of GetBucketVersioning, null when never enabled. */
    public String status() {
        return switch (this) {
            case UNVERSIONED -> null;
            case ENABLED -> "Enabled";
            case SUSPENDED -> "Suspended";
        };
    }

    public static Versioning fromStatus(String status) {
        if (status == null) {
            return UNVERSIONED;
        }
        return "Enabled".equals(status) ? ENABLED : SUSPENDED;
    }
}
