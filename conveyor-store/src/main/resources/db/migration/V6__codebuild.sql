-- CodeBuild: projects, builds (the Build document as JSON beside the columns lists and filters need), report
-- groups, reports with their test summary, and each report's test cases; and the encrypted secret store that
-- PARAMETER_STORE and SECRETS_MANAGER environment variables are read from. Timestamps are epoch milliseconds.

-- A project: its definition as the API's Project shape (JSON), and the last build number it handed out.
CREATE TABLE codebuild_project (
    name              VARCHAR(255)  NOT NULL PRIMARY KEY,
    arn               VARCHAR(1011) NOT NULL,
    definition        VARCHAR       NOT NULL,
    build_count       BIGINT        NOT NULL,
    created_at        BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL
);

-- A build: started by StartBuild or by a pipeline's CodeBuild action (then action_execution_id and job_id are
-- set). document is the Build shape (phases, environment, artifacts, exported variables, report ARNs).
CREATE TABLE codebuild_build (
    id                  VARCHAR(300)  NOT NULL PRIMARY KEY,
    arn                 VARCHAR(1011) NOT NULL,
    project_name        VARCHAR(255)  NOT NULL,
    build_number        BIGINT        NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    current_phase       VARCHAR(32)   NOT NULL,
    initiator           VARCHAR(1024),
    action_execution_id VARCHAR(36),
    job_id              VARCHAR(36),
    document            VARCHAR       NOT NULL,
    started_at          BIGINT        NOT NULL,
    ended_at            BIGINT
);
CREATE INDEX codebuild_build_by_project ON codebuild_build (project_name, build_number);
CREATE INDEX codebuild_build_by_start ON codebuild_build (started_at);
CREATE INDEX codebuild_build_by_action ON codebuild_build (action_execution_id);

-- A report group: created by the first build whose buildspec names it.
CREATE TABLE codebuild_report_group (
    arn               VARCHAR(1011) NOT NULL PRIMARY KEY,
    name              VARCHAR(128)  NOT NULL,
    type              VARCHAR(16)   NOT NULL,
    created_at        BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL
);
CREATE UNIQUE INDEX codebuild_report_group_by_name ON codebuild_report_group (name);

-- A report: one build's results for one report group, with the test summary.
CREATE TABLE codebuild_report (
    arn               VARCHAR(1011) NOT NULL PRIMARY KEY,
    report_group_arn  VARCHAR(1011) NOT NULL REFERENCES codebuild_report_group (arn) ON DELETE CASCADE,
    name              VARCHAR(255)  NOT NULL,
    type              VARCHAR(16)   NOT NULL,
    execution_id      VARCHAR(1011) NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    total             INTEGER       NOT NULL,
    succeeded         INTEGER       NOT NULL,
    failed            INTEGER       NOT NULL,
    skipped           INTEGER       NOT NULL,
    errored           INTEGER       NOT NULL,
    unknown_count     INTEGER       NOT NULL,
    duration_ns       BIGINT        NOT NULL,
    truncated         BOOLEAN       NOT NULL,
    created_at        BIGINT        NOT NULL
);
CREATE INDEX codebuild_report_by_group ON codebuild_report (report_group_arn, created_at);
CREATE INDEX codebuild_report_by_created ON codebuild_report (created_at);

-- A test case of a report, in the order the report files listed them.
CREATE TABLE codebuild_test_case (
    report_arn         VARCHAR(1011) NOT NULL REFERENCES codebuild_report (arn) ON DELETE CASCADE,
    seq                INTEGER       NOT NULL,
    name               VARCHAR(1024) NOT NULL,
    prefix             VARCHAR(1024),
    test_suite_name    VARCHAR(1024),
    status             VARCHAR(16)   NOT NULL,
    duration_ns        BIGINT        NOT NULL,
    message            VARCHAR(4096),
    test_raw_data_path VARCHAR(1024),
    PRIMARY KEY (report_arn, seq)
);
CREATE INDEX codebuild_test_case_by_status ON codebuild_test_case (report_arn, status);

-- A secret: one namespace read as SSM parameters and as Secrets Manager secrets. The value is AES-GCM
-- ciphertext (base64 of nonce + sealed bytes) under a data key that a keyring key wraps; nothing here is
-- readable without the server's keyring.
CREATE TABLE stored_secret (
    name              VARCHAR(2048) NOT NULL PRIMARY KEY,
    arn_suffix        VARCHAR(6)    NOT NULL,
    description       VARCHAR(2048),
    parameter_type    VARCHAR(16)   NOT NULL,
    version           BIGINT        NOT NULL,
    key_id            VARCHAR(64)   NOT NULL,
    key_version       INTEGER       NOT NULL,
    wrapped_key       VARCHAR(512)  NOT NULL,
    ciphertext        VARCHAR       NOT NULL,
    created_at        BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL
);
