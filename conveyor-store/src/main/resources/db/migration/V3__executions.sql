-- Executions of pipelines: the pipeline execution, its stages and actions, the jobs that carry actions to
-- workers, and the state of stage transitions. Every state change is a row update inside a transaction that
-- holds the pipeline's row lock, so one pipeline's executions advance one at a time on any number of replicas.

ALTER TABLE pipeline ADD COLUMN execution_count BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE pipeline_execution (
    id                   VARCHAR(36)   NOT NULL PRIMARY KEY,
    pipeline_name        VARCHAR(100)  NOT NULL REFERENCES pipeline (name) ON DELETE CASCADE,
    pipeline_version     INTEGER       NOT NULL,
    sequence             BIGINT        NOT NULL,
    status               VARCHAR(16)   NOT NULL,
    status_summary       VARCHAR(2048),
    execution_mode       VARCHAR(16)   NOT NULL,
    execution_type       VARCHAR(16)   NOT NULL,
    trigger_type         VARCHAR(32)   NOT NULL,
    trigger_detail       VARCHAR(1024),
    client_request_token VARCHAR(128),
    variables            VARCHAR       NOT NULL,
    source_revisions     VARCHAR,
    artifact_revisions   VARCHAR,
    waiting_stage        INTEGER,
    stop_abandon         BOOLEAN,
    started_at           BIGINT        NOT NULL,
    updated_at           BIGINT        NOT NULL
);
CREATE INDEX pipeline_execution_by_pipeline ON pipeline_execution (pipeline_name, sequence);
CREATE INDEX pipeline_execution_by_status ON pipeline_execution (status);
CREATE UNIQUE INDEX pipeline_execution_by_token ON pipeline_execution (pipeline_name, client_request_token);

CREATE TABLE stage_execution (
    pipeline_execution_id VARCHAR(36)  NOT NULL REFERENCES pipeline_execution (id) ON DELETE CASCADE,
    stage_name            VARCHAR(100) NOT NULL,
    stage_index           INTEGER      NOT NULL,
    pipeline_name         VARCHAR(100) NOT NULL,
    attempt               INTEGER      NOT NULL,
    status                VARCHAR(16)  NOT NULL,
    retry_mode            VARCHAR(16),
    started_at            BIGINT       NOT NULL,
    updated_at            BIGINT       NOT NULL,
    PRIMARY KEY (pipeline_execution_id, stage_name)
);
CREATE INDEX stage_execution_by_pipeline ON stage_execution (pipeline_name, stage_name, status);

CREATE TABLE action_execution (
    id                     VARCHAR(36)   NOT NULL PRIMARY KEY,
    pipeline_execution_id  VARCHAR(36)   NOT NULL REFERENCES pipeline_execution (id) ON DELETE CASCADE,
    pipeline_name          VARCHAR(100)  NOT NULL,
    pipeline_version       INTEGER       NOT NULL,
    stage_name             VARCHAR(100)  NOT NULL,
    action_name            VARCHAR(100)  NOT NULL,
    stage_attempt          INTEGER       NOT NULL,
    run_order              INTEGER       NOT NULL,
    status                 VARCHAR(16)   NOT NULL,
    input                  VARCHAR       NOT NULL,
    output                 VARCHAR,
    summary                VARCHAR(2048),
    error_code             VARCHAR(32),
    error_message          VARCHAR(5000),
    external_execution_id  VARCHAR(1500),
    external_execution_url VARCHAR(2048),
    percent_complete       INTEGER,
    token                  VARCHAR(36),
    updated_by             VARCHAR(1011),
    deadline_at            BIGINT,
    started_at             BIGINT        NOT NULL,
    updated_at             BIGINT        NOT NULL
);
CREATE INDEX action_execution_by_execution ON action_execution (pipeline_execution_id, stage_name, stage_attempt);
CREATE INDEX action_execution_by_pipeline ON action_execution (pipeline_name, started_at);
CREATE INDEX action_execution_by_deadline ON action_execution (status, deadline_at);

CREATE TABLE job (
    id                    VARCHAR(36)   NOT NULL PRIMARY KEY,
    action_execution_id   VARCHAR(36)   NOT NULL REFERENCES action_execution (id) ON DELETE CASCADE,
    pipeline_execution_id VARCHAR(36)   NOT NULL,
    category              VARCHAR(16)   NOT NULL,
    owner                 VARCHAR(16)   NOT NULL,
    provider              VARCHAR(35)   NOT NULL,
    type_version          VARCHAR(9)    NOT NULL,
    status                VARCHAR(16)   NOT NULL,
    data                  VARCHAR       NOT NULL,
    nonce                 VARCHAR(50),
    worker_id             VARCHAR(200),
    dispatch_count        INTEGER       NOT NULL,
    lease_until           BIGINT,
    created_at            BIGINT        NOT NULL,
    updated_at            BIGINT        NOT NULL
);
CREATE INDEX job_by_queue ON job (status, provider, created_at);
CREATE INDEX job_by_action ON job (action_execution_id);

CREATE TABLE stage_transition (
    pipeline_name   VARCHAR(100)  NOT NULL REFERENCES pipeline (name) ON DELETE CASCADE,
    stage_name      VARCHAR(100)  NOT NULL,
    transition_type VARCHAR(8)    NOT NULL,
    enabled         BOOLEAN       NOT NULL,
    reason          VARCHAR(300),
    changed_by      VARCHAR(1011),
    changed_at      BIGINT        NOT NULL,
    PRIMARY KEY (pipeline_name, stage_name, transition_type)
);
