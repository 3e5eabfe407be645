package dev.conveyor.artifacts.object;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The names buckets and keys may have. Bucket names follow S3's rules for new buckets. Keys are at most 1024
 * bytes of UTF-8 and, unlike S3, may not escape their root when used as paths: no {@code .} or {@code ..}
 * segment, no leading {@code /}, no backslash and no NUL, so a key can always be a relative path in a workspace.
 */
public final class ObjectNames {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private ObjectNames() {
    }

    public static void checkBucket(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..") || bucket.contains(".-")
                || bucket.contains("-.") || IP_ADDRESS.matcher(bucket).matches() || bucket.startsWith("xn--")) {
            throw new S3Exception(S3ErrorCode.InvalidBucketName, "The specified bucket is not valid: '" + bucket
                    + "' (3-63 characters: lower-case letters, digits, dots and hyphens)", bucket);
        }
    }

    public static void checkKey(String bucket, String key) {
        if (key == null || key.isEmpty()) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "An object key must not be empty", bucket);
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new S3Exception(S3ErrorCode.KeyTooLongError, "Your key is too long (at most 1024 bytes of UTF-8)", bucket);
        }
        String problem = pathProblem(key);
        if (problem != null) {
            throw new S3Exception(S3ErrorCode.InvalidObjectName, "Object key '" + key + "' is refused: " + problem, bucket + "/" + key);
        }
    }

    /** Why a relative path (object key or zip entry name) would escape its root, or null when it stays inside. */
    public static String pathProblem(String path) {
        if (path.indexOf('\0') >= 0) {
            return "it contains a NUL character";
        }
        if (path.indexOf('\\') >= 0) {
            return "it contains a backslash";
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
            return "it is an absolute path";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return "it has a '" + segment + "' segment, which could escape its root";
            }
        }
        return null;
    }
}
