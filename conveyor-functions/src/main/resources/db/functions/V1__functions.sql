-- Lambda-compatible functions (issue 16): one row per function ($LATEST only; no versions or aliases yet). The code
-- zip itself is content-addressed under the data dir by code_sha256 (hex); environment is a JSON object of strings.
-- Timestamps are epoch milliseconds. Applied by conveyor-functions with its own history table (functions_schema_history).
CREATE TABLE lambda_function (
    name             VARCHAR(64)    NOT NULL PRIMARY KEY,
    runtime          VARCHAR(32)    NOT NULL,
    role             VARCHAR(2048)  NOT NULL,
    handler          VARCHAR(128),
    description      VARCHAR(256)   NOT NULL,
    timeout_seconds  INTEGER        NOT NULL,
    memory_size      INTEGER        NOT NULL,
    environment      VARCHAR        NOT NULL,
    code_sha256      VARCHAR(64)    NOT NULL,
    code_size        BIGINT         NOT NULL,
    revision_id      VARCHAR(36)    NOT NULL,
    last_modified    BIGINT         NOT NULL
);
