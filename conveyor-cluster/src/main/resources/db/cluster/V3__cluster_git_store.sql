-- The identity of this database's repository store (one row, made by the first replica to start): sources on any
-- replica name a hosted repository by it (conveyor-hosted://<store_id>/<name>), so a job queued by one replica and
-- run by another reads the same repositories, and two servers on different databases in one process never mix them.
CREATE TABLE cluster_git_store (
    id INTEGER PRIMARY KEY,
    store_id VARCHAR(64) NOT NULL
);
