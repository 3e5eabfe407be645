-- CodeDeploy-compatible deployments (issue 15). Applied by conveyor-deploy with its own history table
-- (deploy_schema_history). Declarations (groups, configs, instances) are kept as the API's JSON documents; the
-- deployment state machine's progress (status, plan, current step) has columns of its own, every transition committed
-- before it is acted on. Timestamps are epoch milliseconds.
CREATE TABLE deploy_application (
    name              VARCHAR(100)  NOT NULL PRIMARY KEY,
    id                VARCHAR(36)   NOT NULL,
    compute_platform  VARCHAR(16)   NOT NULL,
    created           BIGINT        NOT NULL
);

CREATE TABLE deploy_group (
    application   VARCHAR(100)  NOT NULL,
    name          VARCHAR(100)  NOT NULL,
    id            VARCHAR(36)   NOT NULL,
    document      VARCHAR       NOT NULL,
    last_success  VARCHAR(32),
    PRIMARY KEY (application, name)
);

CREATE TABLE deploy_config (
    name      VARCHAR(100)  NOT NULL PRIMARY KEY,
    id        VARCHAR(36)   NOT NULL,
    document  VARCHAR       NOT NULL,
    created   BIGINT        NOT NULL
);

CREATE TABLE deploy_instance (
    name        VARCHAR(128)  NOT NULL PRIMARY KEY,
    document    VARCHAR       NOT NULL,
    registered  BIGINT        NOT NULL,
    last_seen   BIGINT
);

CREATE TABLE deploy_instance_tag (
    instance  VARCHAR(128)  NOT NULL,
    tag_key   VARCHAR(128)  NOT NULL,
    tag_value VARCHAR(256)  NOT NULL,
    PRIMARY KEY (instance, tag_key)
);

-- One deployment. status is CodeDeploy's DeploymentStatus; plan is the list of steps decided at creation; step is the
-- index of the step being carried out (the steps before it are done), step_started when it began (for waits).
CREATE TABLE deployment (
    id            VARCHAR(32)   NOT NULL PRIMARY KEY,
    application   VARCHAR(100)  NOT NULL,
    group_name    VARCHAR(100)  NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    created       BIGINT        NOT NULL,
    document      VARCHAR       NOT NULL,
    plan          VARCHAR       NOT NULL,
    step          INTEGER       NOT NULL,
    step_started  BIGINT,
    continue_requested BOOLEAN  NOT NULL DEFAULT FALSE,
    stop_requested     VARCHAR(512)
);
CREATE INDEX deployment_by_group ON deployment (application, group_name, created);
CREATE INDEX deployment_by_status ON deployment (status);

-- A deployment's target: one instance, its lifecycle events (JSON list as InstanceTarget.lifecycleEvents) and status.
CREATE TABLE deployment_target (
    deployment_id  VARCHAR(32)   NOT NULL,
    instance       VARCHAR(128)  NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    role           VARCHAR(16)   NOT NULL,
    events         VARCHAR       NOT NULL,
    updated        BIGINT        NOT NULL,
    PRIMARY KEY (deployment_id, instance)
);

-- A host command: lifecycle events a conveyor agent runs for one target, in order. Issued (committed) before the agent
-- can see it; the agent acknowledges, reports each event, then completes it.
CREATE TABLE deploy_command (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    deployment_id  VARCHAR(32)   NOT NULL,
    instance       VARCHAR(128)  NOT NULL,
    step           INTEGER       NOT NULL,
    events         VARCHAR       NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    created        BIGINT        NOT NULL,
    updated        BIGINT        NOT NULL,
    UNIQUE (deployment_id, instance, step)
);
CREATE INDEX deploy_command_by_instance ON deploy_command (instance, status);
