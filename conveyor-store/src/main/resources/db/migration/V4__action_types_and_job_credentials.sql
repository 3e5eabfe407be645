-- Custom action types (CreateCustomActionType / UpdateActionType), the third-party client of a job, and the
-- temporary credentials a job's worker is given to read and write that job's artifacts.

CREATE TABLE action_type (
    category      VARCHAR(16)   NOT NULL,
    owner         VARCHAR(16)   NOT NULL,
    provider      VARCHAR(35)   NOT NULL,
    type_version  VARCHAR(9)    NOT NULL,
    arn           VARCHAR(1011) NOT NULL,
    definition    VARCHAR       NOT NULL,
    declaration   VARCHAR,
    deleted       BOOLEAN       NOT NULL,
    created_at    BIGINT        NOT NULL,
    updated_at    BIGINT        NOT NULL,
    PRIMARY KEY (category, owner, provider, type_version)
);

ALTER TABLE job ADD COLUMN client_id VARCHAR(36);

CREATE TABLE job_credential (
    access_key_id     VARCHAR(32)  NOT NULL PRIMARY KEY,
    secret_access_key VARCHAR(64)  NOT NULL,
    session_token     VARCHAR(512) NOT NULL,
    job_id            VARCHAR(36)  NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    expires_at        BIGINT       NOT NULL
);
CREATE INDEX job_credential_by_job ON job_credential (job_id);
