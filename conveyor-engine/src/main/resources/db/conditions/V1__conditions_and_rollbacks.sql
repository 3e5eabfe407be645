-- Stage conditions, their rules, automatic and manual stage retries, and rollback executions (issue 16). The engine
-- owns these tables and migrates them from its own location (ModuleSchema), so the store's sequence stays its own.

-- One condition of a stage, evaluated for one attempt of the stage in one execution: all its rules run together and
-- the condition settles once every rule has (Succeeded when all succeed, Failed when one fails), or is Overridden.
CREATE TABLE condition_execution (
    id                    VARCHAR(36)   NOT NULL PRIMARY KEY,
    pipeline_execution_id VARCHAR(36)   NOT NULL REFERENCES pipeline_execution (id) ON DELETE CASCADE,
    pipeline_name         VARCHAR(100)  NOT NULL,
    stage_name            VARCHAR(100)  NOT NULL,
    stage_attempt         INTEGER       NOT NULL,
    condition_type        VARCHAR(16)   NOT NULL,
    condition_index       INTEGER       NOT NULL,
    result                VARCHAR(16),
    status                VARCHAR(16)   NOT NULL,
    summary               VARCHAR(2048),
    started_at            BIGINT        NOT NULL,
    updated_at            BIGINT        NOT NULL
);
CREATE INDEX condition_execution_by_stage ON condition_execution (pipeline_execution_id, stage_name, condition_type);
CREATE INDEX condition_execution_by_pipeline ON condition_execution (pipeline_name, stage_name, started_at);

-- One run of a rule. Rules that wait (a deployment window, an alarm's wait time, a build) keep their progress in
-- provider_state and are looked at again at next_check_at; claimed_until keeps two replicas from evaluating one rule
-- at once.
CREATE TABLE rule_execution (
    id                     VARCHAR(36)   NOT NULL PRIMARY KEY,
    condition_execution_id VARCHAR(36)   NOT NULL REFERENCES condition_execution (id) ON DELETE CASCADE,
    pipeline_execution_id  VARCHAR(36)   NOT NULL,
    pipeline_name          VARCHAR(100)  NOT NULL,
    pipeline_version       INTEGER       NOT NULL,
    stage_name             VARCHAR(100)  NOT NULL,
    rule_name              VARCHAR(100)  NOT NULL,
    provider               VARCHAR(35)   NOT NULL,
    status                 VARCHAR(16)   NOT NULL,
    input                  VARCHAR       NOT NULL,
    output                 VARCHAR,
    summary                VARCHAR(2048),
    error_code             VARCHAR(32),
    error_message          VARCHAR(5000),
    external_execution_id  VARCHAR(1500),
    external_execution_url VARCHAR(2048),
    provider_state         VARCHAR,
    next_check_at          BIGINT,
    claimed_until          BIGINT,
    deadline_at            BIGINT        NOT NULL,
    started_at             BIGINT        NOT NULL,
    updated_at             BIGINT        NOT NULL
);
CREATE INDEX rule_execution_by_condition ON rule_execution (condition_execution_id);
CREATE INDEX rule_execution_by_pipeline ON rule_execution (pipeline_name, started_at);
CREATE INDEX rule_execution_due ON rule_execution (status, next_check_at);

-- Retries of a stage within one execution, by who asked (GetPipelineState's retryStageMetadata).
CREATE TABLE stage_retry (
    pipeline_execution_id VARCHAR(36)   NOT NULL REFERENCES pipeline_execution (id) ON DELETE CASCADE,
    stage_name            VARCHAR(100)  NOT NULL,
    auto_attempts         INTEGER       NOT NULL,
    manual_attempts       INTEGER       NOT NULL,
    latest_trigger        VARCHAR(32)   NOT NULL,
    PRIMARY KEY (pipeline_execution_id, stage_name)
);

-- A ROLLBACK execution: the stage it re-runs and the execution whose revisions, artifacts and variables it uses.
CREATE TABLE rollback_execution (
    pipeline_execution_id VARCHAR(36)   NOT NULL PRIMARY KEY REFERENCES pipeline_execution (id) ON DELETE CASCADE,
    pipeline_name         VARCHAR(100)  NOT NULL,
    stage_name            VARCHAR(100)  NOT NULL,
    target_execution_id   VARCHAR(36)   NOT NULL
);
CREATE INDEX rollback_execution_by_pipeline ON rollback_execution (pipeline_name);
