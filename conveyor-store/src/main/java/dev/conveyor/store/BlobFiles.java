package dev.conveyor.store;

/**
 * Removal of the files behind blob rows, done by {@link ObjectRepository} while it holds the blob's row lock, so
 * that a blob file is never removed while another transaction is making an object version refer to it.
 */
public interface BlobFiles {
    /**
     * Inside the transaction, with the row locked and nothing referring to the blob any more: moves the file aside
     * (not deleting it yet, so that a rollback can restore it) and returns a handle for {@link #discard}/{@link #restore}.
     */
    String setAside(String sha256);

    /** After commit: deletes a file set aside. */
    void discard(String handle);

    /** After a rollback: puts a file set aside back. */
    void restore(String sha256, String handle);

    /** For objects whose content is not in local blobs: nothing to move. */
    BlobFiles NONE = new BlobFiles() {
        @Override
        public String setAside(String sha256) {
            return sha256;
        }

        @Override
        public void discard(String handle) {
        }

        @Override
        public void restore(String sha256, String handle) {
        }
    };
}
