-- Identities and access (issue 14): users, roles, access keys, managed policies and their versions, attachments,
-- users' inline policies, and the temporary credentials AssumeRole hands out. Secret access keys are stored only
-- sealed under the keyring (ciphertext and the wrapped data key); session tokens only as their SHA-256.
-- Timestamps are epoch milliseconds. Applied by conveyor-iam with its own history table (iam_schema_history).

-- IAM names are unique regardless of case (no "Bob" beside "bob"): name_key is the lower-cased name.
CREATE TABLE iam_user (
    name        VARCHAR(64)   NOT NULL PRIMARY KEY,
    name_key    VARCHAR(64)   NOT NULL UNIQUE,
    user_id     VARCHAR(32)   NOT NULL UNIQUE,
    path        VARCHAR(512)  NOT NULL,
    arn         VARCHAR(1011) NOT NULL,
    created_at  BIGINT        NOT NULL
);

CREATE TABLE iam_role (
    name                  VARCHAR(64)   NOT NULL PRIMARY KEY,
    name_key              VARCHAR(64)   NOT NULL UNIQUE,
    role_id               VARCHAR(32)   NOT NULL UNIQUE,
    path                  VARCHAR(512)  NOT NULL,
    arn                   VARCHAR(1011) NOT NULL,
    assume_role_policy    VARCHAR       NOT NULL,
    description           VARCHAR(1000),
    max_session_seconds   INTEGER       NOT NULL,
    created_at            BIGINT        NOT NULL
);

-- A long-term access key of a user; the secret sealed with AES-GCM under a data key the keyring wraps.
CREATE TABLE iam_access_key (
    access_key_id  VARCHAR(128)  NOT NULL PRIMARY KEY,
    user_name      VARCHAR(64)   NOT NULL REFERENCES iam_user (name),
    status         VARCHAR(16)   NOT NULL,
    key_id         VARCHAR(64)   NOT NULL,
    key_version    INTEGER       NOT NULL,
    wrapped_key    VARCHAR(512)  NOT NULL,
    ciphertext     VARCHAR(512)  NOT NULL,
    created_at     BIGINT        NOT NULL
);
CREATE INDEX iam_access_key_by_user ON iam_access_key (user_name);

-- A managed policy: customer managed (arn:aws:iam::<account>:policy/…) or AWS managed (arn:aws:iam::aws:policy/…).
-- Names are unique per owner whatever the path and case: name_key is the owner ("aws" or the account) and the
-- lower-cased name.
CREATE TABLE iam_policy (
    arn                 VARCHAR(1011) NOT NULL PRIMARY KEY,
    name                VARCHAR(128)  NOT NULL,
    name_key            VARCHAR(160)  NOT NULL UNIQUE,
    policy_id           VARCHAR(32)   NOT NULL UNIQUE,
    path                VARCHAR(512)  NOT NULL,
    description         VARCHAR(1000),
    default_version_id  VARCHAR(16)   NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL
);

CREATE TABLE iam_policy_version (
    policy_arn   VARCHAR(1011) NOT NULL REFERENCES iam_policy (arn) ON DELETE CASCADE,
    version_id   VARCHAR(16)   NOT NULL,
    document     VARCHAR       NOT NULL,
    created_at   BIGINT        NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);

-- Managed policies attached to users and roles. A policy with attachments cannot be deleted (DeleteConflict).
CREATE TABLE iam_user_policy_attachment (
    user_name   VARCHAR(64)   NOT NULL REFERENCES iam_user (name),
    policy_arn  VARCHAR(1011) NOT NULL REFERENCES iam_policy (arn),
    PRIMARY KEY (user_name, policy_arn)
);
CREATE INDEX iam_user_policy_attachment_by_policy ON iam_user_policy_attachment (policy_arn);

CREATE TABLE iam_role_policy_attachment (
    role_name   VARCHAR(64)   NOT NULL REFERENCES iam_role (name),
    policy_arn  VARCHAR(1011) NOT NULL REFERENCES iam_policy (arn),
    PRIMARY KEY (role_name, policy_arn)
);
CREATE INDEX iam_role_policy_attachment_by_policy ON iam_role_policy_attachment (policy_arn);

-- A user's inline policies (PutUserPolicy).
CREATE TABLE iam_user_inline_policy (
    user_name    VARCHAR(64)  NOT NULL REFERENCES iam_user (name),
    policy_name  VARCHAR(128) NOT NULL,
    document     VARCHAR      NOT NULL,
    PRIMARY KEY (user_name, policy_name)
);

-- Temporary credentials from AssumeRole: the role's session until expires_at.
CREATE TABLE iam_session (
    access_key_id       VARCHAR(128)  NOT NULL PRIMARY KEY,
    role_name           VARCHAR(64)   NOT NULL,
    role_id             VARCHAR(32)   NOT NULL,
    session_name        VARCHAR(64)   NOT NULL,
    session_token_hash  VARCHAR(64)   NOT NULL,
    key_id              VARCHAR(64)   NOT NULL,
    key_version         INTEGER       NOT NULL,
    wrapped_key         VARCHAR(512)  NOT NULL,
    ciphertext          VARCHAR(512)  NOT NULL,
    expires_at          BIGINT        NOT NULL,
    created_at          BIGINT        NOT NULL
);
CREATE INDEX iam_session_by_expiry ON iam_session (expires_at);
