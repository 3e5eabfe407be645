package dev.conveyor.store;

/** Puts the freshly written file of a blob in place; called inside the transaction with the blob's row locked. */
@FunctionalInterface
public interface BlobPlacement {
    void place(String sha256);
}
