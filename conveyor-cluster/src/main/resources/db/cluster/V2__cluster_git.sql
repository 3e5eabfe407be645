-- Hosted git repositories every replica reaches (issue 19): JGit DFS repositories whose pack files and refs are rows.
CREATE TABLE cluster_git_repository (
    name VARCHAR(512) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A pack (and its index, bitmaps…) is written once under a unique name and never changed; committed packs are listed.
CREATE TABLE cluster_git_pack_file (
    repository VARCHAR(512) NOT NULL,
    pack_name VARCHAR(200) NOT NULL,
    ext VARCHAR(16) NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (repository, pack_name, ext)
);

CREATE TABLE cluster_git_pack (
    repository VARCHAR(512) NOT NULL,
    pack_name VARCHAR(200) NOT NULL,
    source VARCHAR(32) NOT NULL,
    object_count BIGINT NOT NULL,
    committed_at BIGINT NOT NULL,
    PRIMARY KEY (repository, pack_name)
);

-- Refs: an object id, or the target of a symbolic ref (HEAD); every update is a compare-and-set on the row.
CREATE TABLE cluster_git_ref (
    repository VARCHAR(512) NOT NULL,
    name VARCHAR(1024) NOT NULL,
    object_id VARCHAR(64),
    symbolic_target VARCHAR(1024),
    PRIMARY KEY (repository, name)
);
