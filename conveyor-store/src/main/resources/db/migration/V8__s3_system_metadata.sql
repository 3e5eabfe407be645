-- S3 system metadata (Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires) kept with each
-- object version and with a multipart upload until it completes: a JSON object of those headers by name, NULL when
-- none was given. Expand-only: the previous version leaves it NULL and never reads it.
ALTER TABLE s3_object_version ADD COLUMN system_metadata VARCHAR(8192);
ALTER TABLE s3_multipart_upload ADD COLUMN system_metadata VARCHAR(8192);
