-- Who wrote each version of a pipeline (issue 14): the principal that created or updated it, as conveyor-iam's
-- PrincipalRecords encodes it (its ARN and what re-evaluating its current policies needs: a user's name and id, a
-- role session's role name, role id and session name). When a pipeline's or action's role is absent or not a role of
-- Conveyor's IAM, what its jobs do on its behalf is checked against this principal. NULL: written before authors were
-- recorded, or in the open --auth none mode; treated as the administrator (the server's own authority).
ALTER TABLE pipeline_version ADD COLUMN author VARCHAR(4000);
