-- Sources and what starts pipelines from them: the hosts and connections of the CodeConnections API, webhooks,
-- the last revision seen of each source action (polling and PutActionRevision), and schedules. Timestamps are
-- epoch milliseconds, as everywhere.

-- A host: a git server by its endpoint (https://git.example.com, file:///srv/git, this server's /v1/repos).
-- id is the last part of the ARN; either service's ARN (codeconnections or codestar-connections) finds it.
CREATE TABLE connection_host (
    id                VARCHAR(100)  NOT NULL PRIMARY KEY,
    arn               VARCHAR(256)  NOT NULL,
    name              VARCHAR(64)   NOT NULL,
    provider_type     VARCHAR(32)   NOT NULL,
    provider_endpoint VARCHAR(512)  NOT NULL,
    status            VARCHAR(64)   NOT NULL,
    created_at        BIGINT        NOT NULL
);

-- A connection: to a host, or to a provider's public service (github.com, gitlab.com, bitbucket.org).
CREATE TABLE source_connection (
    id                VARCHAR(36)   NOT NULL PRIMARY KEY,
    arn               VARCHAR(256)  NOT NULL,
    name              VARCHAR(32)   NOT NULL,
    provider_type     VARCHAR(32)   NOT NULL,
    host_id           VARCHAR(100)  REFERENCES connection_host (id),
    status            VARCHAR(16)   NOT NULL,
    created_at        BIGINT        NOT NULL
);
CREATE INDEX source_connection_by_name ON source_connection (name);

-- A webhook: its definition as the client gave it (JSON) and the random part of its URL.
CREATE TABLE webhook (
    name              VARCHAR(100)  NOT NULL PRIMARY KEY,
    arn               VARCHAR(1011) NOT NULL,
    url_token         VARCHAR(64)   NOT NULL UNIQUE,
    pipeline_name     VARCHAR(100)  NOT NULL,
    action_name       VARCHAR(100)  NOT NULL,
    definition        VARCHAR       NOT NULL,
    registered        BOOLEAN       NOT NULL,
    last_triggered_at BIGINT,
    error_code        VARCHAR(100),
    error_message     VARCHAR(1000),
    created_at        BIGINT        NOT NULL
);

-- The last revision of a source action that started (or was seen by) the pipeline. kind is POLL (what the
-- poller last saw at source_key, e.g. a git URL and branch) or PUT (what PutActionRevision last recorded).
CREATE TABLE source_revision (
    pipeline_name     VARCHAR(100)  NOT NULL REFERENCES pipeline (name) ON DELETE CASCADE,
    action_name       VARCHAR(100)  NOT NULL,
    kind              VARCHAR(8)    NOT NULL,
    source_key        VARCHAR(2048) NOT NULL,
    revision          VARCHAR(1500) NOT NULL,
    change_id         VARCHAR(100),
    revision_at       BIGINT,
    seen_at           BIGINT        NOT NULL,
    PRIMARY KEY (pipeline_name, action_name, kind)
);

-- A pipeline's schedule (the conveyor:schedule tag) and when it fires next; next_fire_at moves forward with a
-- compare-and-set, so one replica fires each occurrence and a restart neither misses nor repeats it.
CREATE TABLE pipeline_schedule (
    pipeline_name     VARCHAR(100)  NOT NULL PRIMARY KEY REFERENCES pipeline (name) ON DELETE CASCADE,
    expression        VARCHAR(256)  NOT NULL,
    time_zone         VARCHAR(64)   NOT NULL,
    next_fire_at      BIGINT        NOT NULL,
    last_fired_at     BIGINT,
    last_execution_id VARCHAR(36)
);
