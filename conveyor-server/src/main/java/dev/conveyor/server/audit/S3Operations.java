package dev.conveyor.server.audit;

import jakarta.servlet.http.HttpServletRequest;

/** S3's operation name for a path-style REST request, as CloudTrail names S3 events (PutObject, CreateBucket, …). */
final class S3Operations {
    private S3Operations() {
    }

    static String name(String method, String bucket, String key, HttpServletRequest request) {
        boolean uploadId = request.getParameter("uploadId") != null;
        if (bucket.isEmpty()) {
            return "ListBuckets";
        }
        if (key == null) {
            return switch (method) {
                case "PUT" -> request.getParameter("versioning") != null ? "PutBucketVersioning" : "CreateBucket";
                case "DELETE" -> "DeleteBucket";
                case "POST" -> request.getParameter("delete") != null ? "DeleteObjects" : "PostBucket";
                case "HEAD" -> "HeadBucket";
                default -> request.getParameter("versions") != null ? "ListObjectVersions"
                        : request.getParameter("versioning") != null ? "GetBucketVersioning"
                        : request.getParameter("location") != null ? "GetBucketLocation" : "ListObjects";
            };
        }
        return switch (method) {
            case "PUT" -> uploadId ? (request.getHeader("x-amz-copy-source") != null ? "UploadPartCopy" : "UploadPart")
                    : request.getHeader("x-amz-copy-source") != null ? "CopyObject" : "PutObject";
            case "DELETE" -> uploadId ? "AbortMultipartUpload" : "DeleteObject";
            case "POST" -> request.getParameter("uploads") != null ? "CreateMultipartUpload"
                    : uploadId ? "CompleteMultipartUpload" : "PostObject";
            case "HEAD" -> "HeadObject";
            default -> uploadId ? "ListParts" : "GetObject";
        };
    }
}
