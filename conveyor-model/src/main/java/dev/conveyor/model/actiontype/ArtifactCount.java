package dev.conveyor.model.actiontype;

/**
 * How many input or output artifacts an action type accepts: the model's {@code ArtifactDetails}
 * ({@code minimumCount}, {@code maximumCount}), both inclusive.
 */
public record ArtifactCount(int minimumCount, int maximumCount) {

    public ArtifactCount {
        if (minimumCount < 0 || maximumCount < minimumCount) {
            throw new IllegalArgumentException("invalid artifact count range " + minimumCount + ".." + maximumCount);
        }
    }

    public static ArtifactCount none() {
        return new ArtifactCount(0, 0);
    }

    public static ArtifactCount exactly(int count) {
        return new ArtifactCount(count, count);
    }

    public static ArtifactCount between(int minimumCount, int maximumCount) {
        return new ArtifactCount(minimumCount, maximumCount);
    }

    public boolean allows(int count) {
        return count >= minimumCount && count <= maximumCount;
    }

    /** "exactly 1", "between 1 and 5": the range as a message fragment. */
    public String describe() {
        return minimumCount == maximumCount
                ? "exactly " + minimumCount
                : "between " + minimumCount + " and " + maximumCount;
    }
}
