package dev.conveyor.providers.deploy;

import dev.conveyor.artifacts.UnsafeArchiveException;
import dev.conveyor.artifacts.ZipArchives;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.artifacts.object.SystemMetadata;
import dev.conveyor.engine.agent.ActionJob;
import dev.conveyor.engine.agent.ActionProvider;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code Deploy/AWS/S3}: puts the input artifact into bucket {@code BucketName} of the server's object store (its own
 * S3 endpoint's storage, or the external store of {@code --artifact-endpoint}), as CodePipeline's S3 deploy action
 * does: with {@code Extract} true the zip's files become objects (under {@code ObjectKey} as a prefix when given),
 * each with a Content-Type from its extension; with {@code Extract} false the zip is one object named
 * {@code ObjectKey}. {@code CacheControl} is stored as every written object's Cache-Control (served back on GET and
 * HEAD), and {@code KMSEncryptionKeyARN} encrypts what is written with that key. Runs on the server (next to the
 * object store, as sources do), so any agent setup can deploy.
 *
 * <p>{@code CannedACL} is checked (one of S3's canned ACLs) but has nothing to set: Conveyor's object store has no
 * ACLs, access is decided by IAM policies. The action's log says so.
 */
public final class S3DeployProvider implements ActionProvider {
    public static final ActionTypeId TYPE = new ActionTypeId("Deploy", "AWS", "S3", "1");

    /** The canned ACLs S3 knows (x-amz-acl), which the action's CannedACL may name. */
    static final Set<String> CANNED_ACLS = Set.of("private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read",
            "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write");

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "application/javascript"), Map.entry("mjs", "application/javascript"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"),
            Map.entry("xml", "application/xml"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"), Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"), Map.entry("sh", "text/x-shellscript"),
            Map.entry("yml", "application/yaml"), Map.entry("yaml", "application/yaml"), Map.entry("csv", "text/csv"));

    private final ObjectStore objects;
    private final Supplier<String> endpoint;

    /**
     * @param endpoint the server's public URL for the action's external execution link, or a supplier of null for no
     *                 link
     */
    public S3DeployProvider(ObjectStore objects, Supplier<String> endpoint) {
        this.objects = objects;
        this.endpoint = endpoint;
    }

    /**
     * The object key (or, extracting, the key pattern) the action with {@code config} writes in its bucket: what a role
     * must allow {@code s3:PutObject} on — {@code ObjectKey}, or {@code <ObjectKey>/*} (the whole bucket, {@code *},
     * without one) when extracting.
     */
    public static String keysWritten(Map<String, String> config) {
        String key = config.get("ObjectKey") == null ? "" : stripLeadingSlashes(config.get("ObjectKey").trim());
        if (!"true".equalsIgnoreCase(config.getOrDefault("Extract", "").trim())) {
            return key;
        }
        return key.isEmpty() ? "*" : (key.endsWith("/") ? key : key + "/") + "*";
    }

    @Override
    public ActionTypeId actionTypeId() {
        return TYPE;
    }

    @Override
    public JobOutcome run(ActionJob job) throws InterruptedException {
        Map<String, String> config = job.configuration();
        String bucket = config.get("BucketName");
        String extractValue = config.getOrDefault("Extract", "");
        String objectKey = config.get("ObjectKey");
        String kmsKey = blankToNull(config.get("KMSEncryptionKeyARN"));
        String cannedAcl = blankToNull(config.get("CannedACL"));
        String cacheControl = blankToNull(config.get("CacheControl"));
        if (bucket == null || bucket.isBlank()) {
            return configurationError("The S3 deploy action needs BucketName");
        }
        if (!extractValue.equalsIgnoreCase("true") && !extractValue.equalsIgnoreCase("false")) {
            return configurationError("The S3 deploy action's Extract must be true or false, not '" + extractValue + "'");
        }
        boolean extract = extractValue.equalsIgnoreCase("true");
        objectKey = objectKey == null ? null : stripLeadingSlashes(objectKey.trim());
        if (!extract && (objectKey == null || objectKey.isEmpty())) {
            return configurationError("The S3 deploy action needs ObjectKey when Extract is false (the name of the object the artifact is stored as)");
        }
        if (cannedAcl != null && !CANNED_ACLS.contains(cannedAcl)) {
            return configurationError("CannedACL '" + cannedAcl + "' is not one of S3's canned ACLs: " + String.join(", ", CANNED_ACLS.stream().sorted().toList()));
        }
        if (job.inputs().size() != 1) {
            return configurationError("The S3 deploy action takes exactly one input artifact");
        }
        ActionJob.Input input = job.inputs().getFirst();
        try {
            objects.headBucket(bucket);
        } catch (S3Exception e) {
            return failure(job, "The S3 deploy action cannot write to bucket " + bucket + ": " + e.getMessage()
                    + " (create it first, e.g. aws s3 mb s3://" + bucket + ")");
        }
        if (cannedAcl != null) {
            job.log().line("CannedACL " + cannedAcl + " is not applied: Conveyor's object store has no ACLs; who may read the bucket is decided by IAM policies");
        }
        Path zip = job.workspace().resolve("artifact.zip");
        job.fetchInput(input, zip);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        try {
            Written written = new Written(bucket, kmsKey, cacheControl);
            return extract ? extract(job, input, zip, written, objectKey) : upload(job, input, zip, written, objectKey);
        } catch (S3Exception e) {
            return failure(job, "Writing to s3://" + bucket + " failed: " + e.code().code() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where and how the action writes: its bucket, KMS key and Cache-Control (either may be null). */
    private record Written(String bucket, String kmsKey, String cacheControl) {
        String described() {
            return (kmsKey == null ? "" : ", encrypted with " + kmsKey) + (cacheControl == null ? "" : ", Cache-Control " + cacheControl);
        }
    }

    private JobOutcome upload(ActionJob job, ActionJob.Input input, Path zip, Written written, String key) throws IOException {
        String bucket = written.bucket();
        ObjectVersion version = put(written, key, zip, "application/zip");
        String target = "s3://" + bucket + "/" + key;
        job.log().line("Uploaded " + input.name() + " (" + Files.size(zip) + " bytes) as " + target
                + (version.versionId() == null || ObjectVersion.NULL_VERSION.equals(version.versionId()) ? "" : " version " + version.versionId())
                + written.described());
        return new JobOutcome.Success("Uploaded " + input.name() + " to " + target, target, link(bucket, key, false), 100,
                Map.of(), List.of(), null, null);
    }

    private JobOutcome extract(ActionJob job, ActionJob.Input input, Path zip, Written written, String prefix)
            throws IOException, InterruptedException {
        String bucket = written.bucket();
        if (!isZip(zip)) {
            return failure(job, "The input artifact " + input.name() + " is not a zip file, so it cannot be extracted "
                    + "(set Extract to false to upload it as one object)");
        }
        Path files = job.workspace().resolve("extracted");
        try {
            ZipArchives.unzip(zip, files);
        } catch (UnsafeArchiveException e) {
            return failure(job, "The input artifact " + input.name() + " cannot be extracted: " + e.getMessage());
        } catch (IOException e) {
            return failure(job, "The input artifact " + input.name() + " is not a readable zip file: " + e.getMessage());
        }
        String keyPrefix = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        List<Path> regular = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(files)) {
            walk.filter(p -> !p.equals(files)).sorted().forEach(p -> {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    regular.add(p);
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    skipped.add(p);
                }
            });
        }
        long bytes = 0;
        for (Path file : regular) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            String relative = files.relativize(file).toString().replace('\\', '/');
            String key = keyPrefix + relative;
            put(written, key, file, contentType(relative));
            bytes += Files.size(file);
            job.log().line("Uploaded s3://" + bucket + "/" + key);
        }
        for (Path link : skipped) {
            job.log().line("Skipped " + files.relativize(link) + ": a symbolic link, not a file");
        }
        String target = "s3://" + bucket + "/" + keyPrefix;
        job.log().line("Extracted " + input.name() + " into " + target + ": " + fileCount(regular.size()) + ", " + bytes + " bytes"
                + written.described());
        return new JobOutcome.Success("Extracted " + fileCount(regular.size()) + " of " + input.name() + " into " + target, target,
                link(bucket, keyPrefix, true), 100, Map.of(), List.of(), null, null);
    }

    private ObjectVersion put(Written written, String key, Path file, String contentType) throws IOException {
        ObjectWrite write = ObjectWrite.plain().withLength(Files.size(file)).withContentType(contentType)
                .withSystem(SystemMetadata.NONE.withCacheControl(written.cacheControl()));
        if (written.kmsKey() != null) {
            write = write.withEncryptionKey(written.kmsKey());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return objects.putObject(written.bucket(), key, write, in);
        }
    }

    /** The object's URL on the server's S3 endpoint, or for a prefix its listing (ListObjectsV2); null without an endpoint. */
    private String link(String bucket, String key, boolean prefix) {
        String base = endpoint.get();
        if (base == null) {
            return null;
        }
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (prefix) {
            return base + "/" + bucket + "?list-type=2" + (key.isEmpty() ? "" : "&prefix=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        }
        StringBuilder path = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return base + "/" + bucket + path;
    }

    /** The Content-Type S3's deploy action gives a file, by its extension; null (binary/octet-stream) for others. */
    static String contentType(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        if (dot <= slash + 1) {
            return null;
        }
        return CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean isZip(Path file) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) < 4) {
                return false;
            }
        }
        // a local file header, or the end record of an empty archive
        return head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    private static String fileCount(int count) {
        return count + (count == 1 ? " file" : " files");
    }

    private static JobOutcome configurationError(String message) {
        return new JobOutcome.Failure("ConfigurationError", message, null);
    }

    private static JobOutcome failure(ActionJob job, String message) {
        job.log().line(message);
        return new JobOutcome.Failure("JobFailed", message, null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String stripLeadingSlashes(String key) {
        int i = 0;
        while (i < key.length() && key.charAt(i) == '/') {
            i++;
        }
        return key.substring(i);
    }
}
