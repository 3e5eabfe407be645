-- Bucket policies (issue 14): the resource-based policy of an S3 bucket of Conveyor's endpoint, as PutBucketPolicy
-- stored it (the document verbatim, as GetBucketPolicy returns it). Kept here, beside the identities it is evaluated
-- with, rather than with the objects: the external S3 backend keeps no bucket rows of its own. DeleteBucket removes it.
CREATE TABLE iam_bucket_policy (
    bucket      VARCHAR(63)  NOT NULL PRIMARY KEY,
    document    VARCHAR      NOT NULL,
    updated_at  BIGINT       NOT NULL
);
