-- Pipelines and every version of their declarations. Timestamps are epoch milliseconds (BIGINT) so the same
-- schema and queries serve H2 and PostgreSQL without time-zone conversions.
CREATE TABLE pipeline (
    name            VARCHAR(100)  NOT NULL PRIMARY KEY,
    arn             VARCHAR(1011) NOT NULL,
    version         INTEGER       NOT NULL,
    pipeline_type   VARCHAR(2)    NOT NULL,
    execution_mode  VARCHAR(16)   NOT NULL,
    created_at      BIGINT        NOT NULL,
    updated_at      BIGINT        NOT NULL
);

CREATE TABLE pipeline_version (
    pipeline_name   VARCHAR(100)  NOT NULL REFERENCES pipeline (name) ON DELETE CASCADE,
    version         INTEGER       NOT NULL,
    declaration     VARCHAR       NOT NULL,
    created_at      BIGINT        NOT NULL,
    PRIMARY KEY (pipeline_name, version)
);

-- Tags of any taggable resource (pipelines, custom action types, webhooks), keyed by ARN; position keeps the
-- order in which the client gave them.
CREATE TABLE resource_tag (
    resource_arn    VARCHAR(1011) NOT NULL,
    tag_key         VARCHAR(128)  NOT NULL,
    tag_value       VARCHAR(256)  NOT NULL,
    position        INTEGER       NOT NULL,
    PRIMARY KEY (resource_arn, tag_key)
);
