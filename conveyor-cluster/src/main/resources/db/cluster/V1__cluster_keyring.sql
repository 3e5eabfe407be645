-- The keyring every replica shares (issue 19): one row, its contents as JSON, sealed with the master key when one is
-- configured; revision makes each save a compare-and-set.
CREATE TABLE cluster_keyring (
    id INTEGER PRIMARY KEY,
    revision BIGINT NOT NULL,
    sealed BOOLEAN NOT NULL,
    contents BYTEA NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
