-- The current revision of each action of a pipeline, as GetPipelineState reports it (actionStates[].currentRevision):
-- what a source read, or what a job worker reported with PutJobSuccessResult's currentRevision, whatever the
-- action's category. Only source actions' revisions also become their execution's artifact revisions. One row per
-- action, replaced by each newer report; timestamps are epoch milliseconds.
CREATE TABLE action_revision (
    pipeline_name       VARCHAR(100)  NOT NULL REFERENCES pipeline (name) ON DELETE CASCADE,
    stage_name          VARCHAR(100)  NOT NULL,
    action_name         VARCHAR(100)  NOT NULL,
    action_execution_id VARCHAR(36)   NOT NULL,
    revision_id         VARCHAR(1500) NOT NULL,
    revision_change_id  VARCHAR(100),
    created_at          BIGINT,
    recorded_at         BIGINT        NOT NULL,
    PRIMARY KEY (pipeline_name, stage_name, action_name)
);
