package dev.conveyor.server.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The IAM actions an S3 request needs, by S3's own names ({@code s3:GetObject}, {@code s3:PutObject},
 * {@code s3:ListBucket}, …), each on the resource AWS scopes it to: the bucket ({@code arn:aws:s3:::bucket}), an
 * object ({@code arn:aws:s3:::bucket/key}) or nothing ({@code *}, ListAllMyBuckets). CopyObject needs both
 * {@code s3:GetObject} on its source and {@code s3:PutObject} on its destination; DeleteObjects is checked as
 * {@code s3:DeleteObject} on {@code bucket/*} (AWS checks each key; Conveyor does not read the body first).
 */
public final class S3Actions {
    /** One action on one resource. */
    public record Need(String action, String resource) {
    }

    private S3Actions() {
    }

    /** What {@code method} on {@code bucket}/{@code key} with {@code query} needs; {@code copySource} is x-amz-copy-source. */
    public static List<Need> of(String method, String bucket, String key, Map<String, String> query, String copySource) {
        List<Need> needs = new ArrayList<>();
        if (bucket == null) {
            needs.add(new Need("s3:ListAllMyBuckets", "*"));
            return needs;
        }
        String bucketArn = "arn:aws:s3:::" + bucket;
        if (key == null) {
            String action = query.containsKey("policy") ? switch (method) {
                case "PUT" -> "s3:PutBucketPolicy";
                case "DELETE" -> "s3:DeleteBucketPolicy";
                default -> "s3:GetBucketPolicy";
            } : switch (method) {
                case "PUT" -> query.containsKey("versioning") ? "s3:PutBucketVersioning" : "s3:CreateBucket";
                case "GET" -> query.containsKey("versioning") ? "s3:GetBucketVersioning"
                        : query.containsKey("location") ? "s3:GetBucketLocation"
                        : query.containsKey("versions") ? "s3:ListBucketVersions"
                        : query.containsKey("uploads") ? "s3:ListBucketMultipartUploads" : "s3:ListBucket";
                case "HEAD" -> "s3:ListBucket";
                case "DELETE" -> "s3:DeleteBucket";
                case "POST" -> query.containsKey("delete") ? "s3:DeleteObject" : "s3:ListBucket";
                default -> "s3:ListBucket";
            };
            needs.add(new Need(action, "s3:DeleteObject".equals(action) ? bucketArn + "/*" : bucketArn));
            return needs;
        }
        String objectArn = bucketArn + "/" + key;
        boolean versioned = query.containsKey("versionId");
        switch (method) {
            case "PUT" -> {
                if (copySource != null && !query.containsKey("uploadId")) {
                    needs.add(new Need("s3:GetObject", "arn:aws:s3:::" + copySourceObject(copySource)));
                }
                needs.add(new Need("s3:PutObject", objectArn));
            }
            case "GET" -> needs.add(new Need(query.containsKey("uploadId") ? "s3:ListMultipartUploadParts"
                    : versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
            case "HEAD" -> needs.add(new Need(versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn));
            case "DELETE" -> needs.add(new Need(query.containsKey("uploadId") ? "s3:AbortMultipartUpload"
                    : versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", objectArn));
            default -> needs.add(new Need("s3:PutObject", objectArn)); // POST: CreateMultipartUpload, CompleteMultipartUpload
        }
        return needs;
    }

    /** {@code /bucket/key?versionId=…} or {@code bucket/key}, URL-encoded, as x-amz-copy-source names it: {@code bucket/key}. */
    private static String copySourceObject(String copySource) {
        String s = copySource.startsWith("/") ? copySource.substring(1) : copySource;
        int q = s.indexOf('?');
        s = q < 0 ? s : s.substring(0, q);
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
