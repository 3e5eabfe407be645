package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.BucketInfo;
import dev.conveyor.artifacts.object.ByteRange;
import dev.conveyor.artifacts.object.CompletedPart;
import dev.conveyor.artifacts.object.DeleteResult;
import dev.conveyor.artifacts.object.MultipartUpload;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectListing;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.ObjectVersion;
import dev.conveyor.artifacts.object.ObjectWrite;
import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.artifacts.object.SystemMetadata;
import dev.conveyor.artifacts.object.UploadedPart;
import dev.conveyor.artifacts.object.VersionListing;
import dev.conveyor.artifacts.object.Versioning;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.http.RequestBodyTooSlowException;
import dev.conveyor.store.StorageFaults;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * The S3 REST protocol, path-style ({@code /bucket/key}), over an {@link ObjectStore}: buckets, versioning,
 * objects (simple, {@code aws-chunked} and multipart uploads, ranged and conditional reads, copies, deletes,
 * listings). Bodies stream both ways in 256 KiB buffers. Failures are S3's XML errors; this is the one place
 * {@link S3Exception}s become responses.
 */
public final class S3Protocol {
    private static final Logger LOG = LoggerFactory.getLogger(S3Protocol.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    /** GetObject's query parameters that set a response header, which S3 takes only from signed requests. */
    private static final List<String> RESPONSE_OVERRIDES = List.of("response-content-type", "response-cache-control",
            "response-content-disposition", "response-content-encoding", "response-content-language", "response-expires");
    private static final String OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    private static final List<String> UNSUPPORTED_SUBRESOURCES = List.of("acl", "tagging", "cors", "lifecycle",
            "encryption", "ownershipControls", "publicAccessBlock", "object-lock", "website", "logging", "notification",
            "replication", "requestPayment", "accelerate", "analytics", "inventory", "metrics", "intelligent-tiering",
            "retention", "legal-hold", "torrent", "restore", "select", "attributes", "policyStatus");

    private final ObjectStore objects;
    private final String region;
    private final String accountId;
    /** Until the server sets its own: signed callers pass (open mode), unsigned ones are refused as unauthenticated. */
    private Authorization authorization = (caller, need, request) -> {
        if (caller.principal() instanceof dev.conveyor.iam.identity.Principal.Anonymous) {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Access Denied", request.getRequestURI());
        }
    };
    private BucketPolicyStore bucketPolicies;

    /**
     * Where bucket policies live (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy); the authorization evaluates
     * them. Without one, {@code ?policy} is NotImplemented.
     */
    public interface BucketPolicyStore {
        /** Validates and stores; throws {@link S3Exception} MalformedPolicy with S3's message when the policy is refused. */
        void put(String bucket, String document);

        java.util.Optional<String> find(String bucket);

        void delete(String bucket);
    }

    /** Serves bucket policies from {@code store}; returns this endpoint. Call before it serves. */
    public S3Protocol bucketPoliciesIn(BucketPolicyStore store) {
        this.bucketPolicies = store;
        return this;
    }

    /**
     * Whether a caller may do one of a request's {@link S3Actions.Need}s: throws {@link S3Exception} (AccessDenied)
     * when not. Checked after the request is parsed and before it acts.
     */
    @FunctionalInterface
    public interface Authorization {
        void check(Caller caller, S3Actions.Need need, HttpServletRequest request);
    }

    /** Authorizes every request with {@code authorization}; returns this endpoint. Call before it serves. */
    public S3Protocol authorizeWith(Authorization authorization) {
        this.authorization = authorization;
        return this;
    }

    public S3Protocol(ObjectStore objects, String region, String accountId) {
        this.objects = objects;
        this.region = region;
        this.accountId = accountId;
    }

    /** One parsed request: bucket and key from the path, query parameters, its id, and whether it was signed. */
    private record S3Call(HttpServletRequest request, HttpServletResponse response, String bucket, String key,
                          Map<String, String> query, String requestId, boolean anonymous) {
        boolean has(String parameter) {
            return query.containsKey(parameter);
        }

        String param(String name) {
            String v = query.get(name);
            return v == null || v.isEmpty() ? null : v;
        }

        String resource() {
            return "/" + (bucket == null ? "" : bucket) + (key == null ? "" : "/" + key);
        }

        String header(String name) {
            return request.getHeader(name);
        }
    }

    /** Serves one request already routed to S3 and authenticated. */
    public void handle(HttpServletRequest request, HttpServletResponse response, Caller caller) throws IOException {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        response.setHeader("x-amz-request-id", requestId);
        response.setHeader("x-amz-id-2", requestId);
        S3Call call;
        try {
            call = parse(request, response, requestId,
                    caller.principal() instanceof dev.conveyor.iam.identity.Principal.Anonymous);
        } catch (S3Exception e) {
            if (caller.principal() instanceof dev.conveyor.iam.identity.Principal.Anonymous) {
                // An unsigned request learns nothing before it is let in: refused as unsigned requests always were.
                writeError(request, response, S3ErrorCode.AccessDenied.code(), "Access Denied", 403, request.getRequestURI(), requestId);
                return;
            }
            writeError(request, response, e.code().code(), e.getMessage(), e.code().httpStatus(), request.getRequestURI(), requestId);
            return;
        }
        try {
            if (caller.jobScope() != null && !caller.jobScope().allows(request.getMethod(), call.bucket(), call.key())) {
                // A job's temporary credentials open that job's artifacts and nothing else.
                throw new S3Exception(S3ErrorCode.AccessDenied, "Access Denied: these credentials are limited to the artifacts of job "
                        + caller.jobScope().jobId(), call.resource());
            }
            if (caller.jobScope() == null) {
                for (S3Actions.Need need : S3Actions.of(request.getMethod(), call.bucket(), call.key(), call.query(),
                        call.header("x-amz-copy-source"))) {
                    authorization.check(caller, need, request);
                }
            }
            dispatch(call);
        } catch (S3Exception e) {
            writeError(call, e);
        } catch (S3ProtocolException e) {
            writeError(call, e.error());
        } catch (EofException e) {
            LOG.debug("S3 {} {}: client went away: {}", request.getMethod(), call.resource(), e.toString());
        } catch (UncheckedIOException | IOException e) {
            S3Exception cause = s3Cause(e);
            if (cause != null) {
                writeError(call, cause);
            } else if (RequestBodyTooSlowException.causedBy(e)) {
                writeError(request, response, "RequestTimeout", "Your socket connection to the server was not read from or written to "
                        + "within the timeout period.", 400, call.resource(), requestId);
            } else if (isClientGone(e)) {
                LOG.debug("S3 {} {}: client went away: {}", request.getMethod(), call.resource(), e.toString());
            } else if (StorageFaults.isUnavailable(e)) {
                writeError(call, unavailable(call, e));
            } else {
                LOG.error("S3 {} {} failed (request {})", request.getMethod(), call.resource(), requestId, e);
                writeError(call, new S3Exception(S3ErrorCode.InternalError, "We encountered an internal error. Please try again.", call.resource()));
            }
        } catch (RuntimeException e) {
            S3Exception cause = s3Cause(e);
            if (cause != null) {
                writeError(call, cause);
                return;
            }
            if (StorageFaults.isUnavailable(e)) {
                writeError(call, unavailable(call, e));
                return;
            }
            LOG.error("S3 {} {} failed (request {})", request.getMethod(), call.resource(), requestId, e);
            writeError(call, new S3Exception(S3ErrorCode.InternalError, "We encountered an internal error. Please try again.", call.resource()));
        }
    }

    /** A full disk or an unreachable database: nothing was stored, and S3 clients retry a 503. */
    private static S3Exception unavailable(S3Call call, Exception e) {
        LOG.warn("S3 {} failed on unavailable storage: {}", call.resource(), e.toString());
        return new S3Exception(S3ErrorCode.ServiceUnavailable, "Service is unable to handle request: its storage is temporarily unavailable.",
                call.resource());
    }

    private static S3Exception s3Cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof S3Exception s3) {
                return s3;
            }
            if (t instanceof S3ProtocolException p) {
                return p.error();
            }
        }
        return null;
    }

    private static boolean isClientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
        }
        return false;
    }

    private S3Call parse(HttpServletRequest request, HttpServletResponse response, String requestId, boolean anonymous) {
        String raw = request.getRequestURI();
        if (raw == null || !raw.startsWith("/")) {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The request path must start with /", raw);
        }
        String bucket = null;
        String key = null;
        int slash = raw.indexOf('/', 1);
        String bucketPart = slash < 0 ? raw.substring(1) : raw.substring(1, slash);
        if (!bucketPart.isEmpty()) {
            bucket = percentDecode(bucketPart, false);
        }
        if (slash >= 0 && slash + 1 < raw.length()) {
            key = percentDecode(raw.substring(slash + 1), false);
        }
        Map<String, String> query = new LinkedHashMap<>();
        String q = request.getQueryString();
        if (q != null && !q.isEmpty()) {
            for (String pair : q.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true);
                query.putIfAbsent(name, value);
            }
        }
        return new S3Call(request, response, bucket, key, query, requestId, anonymous);
    }

    private static String percentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        try {
            return URLDecoder.decode(plusIsSpace ? s : s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The request URI is not correctly percent-encoded", s);
        }
    }

    // ------------------------------------------------------------------------------------------------ dispatch

    private void dispatch(S3Call call) throws IOException {
        String method = call.request().getMethod();
        for (String unsupported : UNSUPPORTED_SUBRESOURCES) {
            if (call.has(unsupported)) {
                throw new S3Exception(S3ErrorCode.NotImplemented, "Conveyor's S3 endpoint does not implement ?" + unsupported, call.resource());
            }
        }
        if (call.bucket() == null) {
            if ("GET".equals(method)) {
                listBuckets(call);
                return;
            }
            throw methodNotAllowed(call);
        }
        if (call.key() == null) {
            switch (method) {
                case "PUT" -> {
                    if (call.has("policy")) {
                        putBucketPolicy(call);
                    } else if (call.has("versioning")) {
                        putBucketVersioning(call);
                    } else {
                        createBucket(call);
                    }
                }
                case "GET" -> {
                    if (call.has("policy")) {
                        getBucketPolicy(call);
                    } else if (call.has("versioning")) {
                        getBucketVersioning(call);
                    } else if (call.has("location")) {
                        getBucketLocation(call);
                    } else if (call.has("versions")) {
                        listObjectVersions(call);
                    } else if (call.has("uploads")) {
                        listMultipartUploads(call);
                    } else {
                        listObjects(call, "2".equals(call.param("list-type")));
                    }
                }
                case "HEAD" -> {
                    objects.headBucket(call.bucket());
                    call.response().setHeader("x-amz-bucket-region", region);
                    call.response().setStatus(200);
                }
                case "DELETE" -> {
                    if (call.has("policy")) {
                        deleteBucketPolicy(call);
                        return;
                    }
                    objects.deleteBucket(call.bucket());
                    if (bucketPolicies != null) {
                        bucketPolicies.delete(call.bucket()); // a bucket made again under this name starts without it
                    }
                    call.response().setStatus(204);
                }
                case "POST" -> {
                    if (call.has("delete")) {
                        deleteObjects(call);
                    } else {
                        throw methodNotAllowed(call);
                    }
                }
                default -> throw methodNotAllowed(call);
            }
            return;
        }
        switch (method) {
            case "PUT" -> {
                if (call.header("x-amz-copy-source") != null) {
                    if (call.has("uploadId")) {
                        throw new S3Exception(S3ErrorCode.NotImplemented, "UploadPartCopy is not implemented", call.resource());
                    }
                    copyObject(call);
                } else if (call.has("uploadId")) {
                    uploadPart(call);
                } else {
                    putObject(call);
                }
            }
            case "GET" -> {
                if (call.has("uploadId")) {
                    listParts(call);
                } else {
                    getObject(call, true);
                }
            }
            case "HEAD" -> getObject(call, false);
            case "DELETE" -> {
                if (call.has("uploadId")) {
                    objects.abortMultipartUpload(call.bucket(), call.key(), call.param("uploadId"));
                    call.response().setStatus(204);
                } else {
                    deleteObject(call);
                }
            }
            case "POST" -> {
                if (call.has("uploads")) {
                    createMultipartUpload(call);
                } else if (call.has("uploadId")) {
                    completeMultipartUpload(call);
                } else {
                    throw methodNotAllowed(call);
                }
            }
            default -> throw methodNotAllowed(call);
        }
    }

    // ------------------------------------------------------------------------------------------------ bucket policies

    private BucketPolicyStore bucketPolicies(S3Call call) {
        if (bucketPolicies == null) {
            throw new S3Exception(S3ErrorCode.NotImplemented, "Conveyor's S3 endpoint does not implement ?policy here", call.resource());
        }
        objects.headBucket(call.bucket()); // NoSuchBucket first, as S3 answers
        return bucketPolicies;
    }

    private void putBucketPolicy(S3Call call) throws IOException {
        BucketPolicyStore store = bucketPolicies(call);
        byte[] body;
        try (InputStream in = body(call)) { // the signed payload hash and any checksum verified as it is read
            body = in.readNBytes(dev.conveyor.iam.BucketPolicies.MAX_BYTES + 1);
        }
        if (body.length > dev.conveyor.iam.BucketPolicies.MAX_BYTES) {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policy exceeds the maximum allowed document size.", call.resource());
        }
        store.put(call.bucket(), new String(body, StandardCharsets.UTF_8));
        call.response().setStatus(204);
    }

    private void getBucketPolicy(S3Call call) throws IOException {
        String document = bucketPolicies(call).find(call.bucket()).orElseThrow(() -> new S3Exception(S3ErrorCode.NoSuchBucketPolicy,
                "The bucket policy does not exist", call.resource()));
        byte[] body = document.getBytes(StandardCharsets.UTF_8);
        HttpServletResponse response = call.response();
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void deleteBucketPolicy(S3Call call) {
        bucketPolicies(call).delete(call.bucket());
        call.response().setStatus(204);
    }

    private static S3Exception methodNotAllowed(S3Call call) {
        return new S3Exception(S3ErrorCode.MethodNotAllowed, "The specified method is not allowed against this resource.", call.resource());
    }

    // ------------------------------------------------------------------------------------------------ buckets

    private void listBuckets(S3Call call) throws IOException {
        S3Xml xml = S3Xml.document("ListAllMyBucketsResult");
        owner(xml);
        xml.open("Buckets");
        for (BucketInfo bucket : objects.listBuckets()) {
            xml.open("Bucket").element("Name", bucket.name()).element("CreationDate", bucket.created()).close("Bucket");
        }
        xml.close("Buckets");
        writeXml(call, 200, xml.finish("ListAllMyBucketsResult"));
    }

    private void createBucket(S3Call call) throws IOException {
        call.request().getInputStream().readNBytes(64 * 1024); // an optional CreateBucketConfiguration; the region is ours
        objects.createBucket(call.bucket());
        call.response().setHeader("Location", "/" + call.bucket());
        call.response().setStatus(200);
        call.response().setContentLength(0);
    }

    private void putBucketVersioning(S3Call call) throws IOException {
        Element root = S3Xml.parse(call.request().getInputStream(), call.resource());
        String status = S3Xml.text(root, "Status");
        if (!"Enabled".equals(status) && !"Suspended".equals(status)) {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The versioning Status must be Enabled or Suspended", call.resource());
        }
        objects.setVersioning(call.bucket(), "Enabled".equals(status));
        call.response().setStatus(200);
        call.response().setContentLength(0);
    }

    private void getBucketVersioning(S3Call call) throws IOException {
        Versioning versioning = objects.headBucket(call.bucket()).versioning();
        S3Xml xml = S3Xml.document("VersioningConfiguration").element("Status", versioning.status());
        writeXml(call, 200, xml.finish("VersioningConfiguration"));
    }

    private void getBucketLocation(S3Call call) throws IOException {
        objects.headBucket(call.bucket());
        // us-east-1 is reported as an empty constraint, as S3 does.
        S3Xml xml = S3Xml.document("LocationConstraint").text("us-east-1".equals(region) ? "" : region);
        writeXml(call, 200, xml.finish("LocationConstraint"));
    }

    // ------------------------------------------------------------------------------------------------ listings

    private void listObjects(S3Call call, boolean v2) throws IOException {
        int maxKeys = maxKeys(call, "max-keys");
        boolean url = "url".equals(call.param("encoding-type"));
        String prefix = call.param("prefix");
        String delimiter = call.param("delimiter");
        String startAfter = v2 ? call.param("start-after") : call.param("marker");
        String token = v2 ? call.param("continuation-token") : null;
        ObjectListing listing = objects.listObjects(call.bucket(), prefix, delimiter, startAfter, token, maxKeys);
        S3Xml xml = S3Xml.document("ListBucketResult");
        xml.element("Name", call.bucket()).element("Prefix", encode(prefix == null ? "" : prefix, url));
        if (v2) {
            xml.element("StartAfter", encode(call.param("start-after"), url)).element("ContinuationToken", token)
                    .element("NextContinuationToken", listing.nextContinuationToken())
                    .element("KeyCount", listing.objects().size() + listing.commonPrefixes().size());
        } else {
            xml.element("Marker", encode(startAfter == null ? "" : startAfter, url));
            if (listing.truncated()) {
                String last = lastOf(listing);
                xml.element("NextMarker", encode(last, url));
            }
        }
        xml.element("MaxKeys", maxKeys).element("Delimiter", encode(delimiter, url)).element("IsTruncated", listing.truncated());
        if (url) {
            xml.element("EncodingType", "url");
        }
        for (ObjectVersion o : listing.objects()) {
            xml.open("Contents").element("Key", encode(o.key(), url)).element("LastModified", o.lastModified())
                    .element("ETag", o.etag()).element("Size", o.size()).element("StorageClass", "STANDARD");
            if (!v2 || "true".equals(call.param("fetch-owner"))) {
                owner(xml);
            }
            xml.close("Contents");
        }
        for (String p : listing.commonPrefixes()) {
            xml.open("CommonPrefixes").element("Prefix", encode(p, url)).close("CommonPrefixes");
        }
        writeXml(call, 200, xml.finish("ListBucketResult"));
    }

    private static String lastOf(ObjectListing listing) {
        String lastObject = listing.objects().isEmpty() ? null : listing.objects().getLast().key();
        String lastPrefix = listing.commonPrefixes().isEmpty() ? null : listing.commonPrefixes().getLast();
        if (lastObject == null) {
            return lastPrefix;
        }
        if (lastPrefix == null) {
            return lastObject;
        }
        return java.util.Arrays.compareUnsigned(lastObject.getBytes(StandardCharsets.UTF_8), lastPrefix.getBytes(StandardCharsets.UTF_8)) > 0
                ? lastObject : lastPrefix;
    }

    private void listObjectVersions(S3Call call) throws IOException {
        int maxKeys = maxKeys(call, "max-keys");
        boolean url = "url".equals(call.param("encoding-type"));
        String prefix = call.param("prefix");
        String delimiter = call.param("delimiter");
        VersionListing listing = objects.listObjectVersions(call.bucket(), prefix, delimiter, call.param("key-marker"),
                call.param("version-id-marker"), maxKeys);
        S3Xml xml = S3Xml.document("ListVersionsResult");
        xml.element("Name", call.bucket()).element("Prefix", encode(prefix == null ? "" : prefix, url))
                .element("KeyMarker", encode(call.param("key-marker") == null ? "" : call.param("key-marker"), url))
                .element("VersionIdMarker", call.param("version-id-marker") == null ? "" : call.param("version-id-marker"))
                .element("NextKeyMarker", encode(listing.nextKeyMarker(), url)).element("NextVersionIdMarker", listing.nextVersionIdMarker())
                .element("MaxKeys", maxKeys).element("Delimiter", encode(delimiter, url)).element("IsTruncated", listing.truncated());
        if (url) {
            xml.element("EncodingType", "url");
        }
        for (ObjectVersion v : listing.versions()) {
            String element = v.deleteMarker() ? "DeleteMarker" : "Version";
            xml.open(element).element("Key", encode(v.key(), url)).element("VersionId", v.versionId()).element("IsLatest", v.latest())
                    .element("LastModified", v.lastModified());
            if (!v.deleteMarker()) {
                xml.element("ETag", v.etag()).element("Size", v.size()).element("StorageClass", "STANDARD");
            }
            owner(xml);
            xml.close(element);
        }
        for (String p : listing.commonPrefixes()) {
            xml.open("CommonPrefixes").element("Prefix", encode(p, url)).close("CommonPrefixes");
        }
        writeXml(call, 200, xml.finish("ListVersionsResult"));
    }

    private void listMultipartUploads(S3Call call) throws IOException {
        int max = maxKeys(call, "max-uploads");
        List<MultipartUpload> uploads = objects.listMultipartUploads(call.bucket(), call.param("prefix"), max + 1);
        boolean truncated = uploads.size() > max;
        S3Xml xml = S3Xml.document("ListMultipartUploadsResult");
        xml.element("Bucket", call.bucket()).element("KeyMarker", "").element("UploadIdMarker", "")
                .element("Prefix", call.param("prefix") == null ? "" : call.param("prefix")).element("MaxUploads", max)
                .element("IsTruncated", truncated);
        for (MultipartUpload u : uploads.subList(0, Math.min(max, uploads.size()))) {
            xml.open("Upload").element("Key", u.key()).element("UploadId", u.uploadId());
            owner(xml.open("Initiator").element("ID", OWNER_ID).element("DisplayName", "conveyor").close("Initiator"));
            xml.element("StorageClass", "STANDARD").element("Initiated", u.initiated()).close("Upload");
        }
        writeXml(call, 200, xml.finish("ListMultipartUploadsResult"));
    }

    private static int maxKeys(S3Call call, String name) {
        String value = call.param(name);
        if (value == null) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, 1000);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Provided " + name + " not an integer or within integer range", call.resource());
        }
    }

    // ------------------------------------------------------------------------------------------------ objects

    private void putObject(S3Call call) throws IOException {
        ObjectWrite write = objectWrite(call);
        try (InputStream body = body(call, objects.checksDeclaredSha256())) {
            ObjectVersion version = objects.putObject(call.bucket(), call.key(), write.withLength(declaredLength(call)), body);
            HttpServletResponse response = call.response();
            response.setHeader("ETag", version.etag());
            versionHeaders(response, version);
            encryptionHeaders(response, version);
            echoChecksum(call);
            response.setStatus(200);
            response.setContentLength(0);
        }
    }

    private void uploadPart(S3Call call) throws IOException {
        int partNumber;
        try {
            partNumber = Integer.parseInt(call.param("partNumber") == null ? "" : call.param("partNumber"));
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive", call.resource());
        }
        ObjectWrite write = objectWrite(call).withLength(declaredLength(call));
        try (InputStream body = body(call, objects.checksDeclaredSha256())) {
            UploadedPart part = objects.uploadPart(call.bucket(), call.key(), call.param("uploadId"), partNumber, write, body);
            call.response().setHeader("ETag", part.etag());
            echoChecksum(call);
            call.response().setStatus(200);
            call.response().setContentLength(0);
        }
    }

    private void createMultipartUpload(S3Call call) throws IOException {
        MultipartUpload upload = objects.createMultipartUpload(call.bucket(), call.key(), objectWrite(call));
        if (upload.kmsKeyId() != null) {
            call.response().setHeader("x-amz-server-side-encryption", "aws:kms");
            call.response().setHeader("x-amz-server-side-encryption-aws-kms-key-id", kmsArn(upload.kmsKeyId()));
        }
        String algorithm = call.header("x-amz-checksum-algorithm");
        if (algorithm != null) {
            call.response().setHeader("x-amz-checksum-algorithm", algorithm);
        }
        S3Xml xml = S3Xml.document("InitiateMultipartUploadResult").element("Bucket", call.bucket()).element("Key", call.key())
                .element("UploadId", upload.uploadId());
        writeXml(call, 200, xml.finish("InitiateMultipartUploadResult"));
    }

    private void completeMultipartUpload(S3Call call) throws IOException {
        Element root = S3Xml.parse(call.request().getInputStream(), call.resource());
        List<CompletedPart> parts = new ArrayList<>();
        for (Element part : S3Xml.children(root, "Part")) {
            try {
                parts.add(new CompletedPart(Integer.parseInt(S3Xml.text(part, "PartNumber").trim()), S3Xml.text(part, "ETag")));
            } catch (RuntimeException e) {
                throw new S3Exception(S3ErrorCode.MalformedXML, "Each Part needs a PartNumber and an ETag", call.resource());
            }
        }
        ObjectVersion version = objects.completeMultipartUpload(call.bucket(), call.key(), call.param("uploadId"), parts);
        versionHeaders(call.response(), version);
        encryptionHeaders(call.response(), version);
        S3Xml xml = S3Xml.document("CompleteMultipartUploadResult").element("Location", call.request().getRequestURL().toString())
                .element("Bucket", call.bucket()).element("Key", call.key()).element("ETag", version.etag());
        writeXml(call, 200, xml.finish("CompleteMultipartUploadResult"));
    }

    private void listParts(S3Call call) throws IOException {
        List<UploadedPart> parts = objects.listParts(call.bucket(), call.key(), call.param("uploadId"));
        S3Xml xml = S3Xml.document("ListPartsResult").element("Bucket", call.bucket()).element("Key", call.key())
                .element("UploadId", call.param("uploadId")).element("PartNumberMarker", 0)
                .element("NextPartNumberMarker", parts.isEmpty() ? 0 : parts.getLast().partNumber()).element("MaxParts", 1000)
                .element("IsTruncated", false).element("StorageClass", "STANDARD");
        for (UploadedPart p : parts) {
            xml.open("Part").element("PartNumber", p.partNumber()).element("LastModified", p.lastModified()).element("ETag", p.etag())
                    .element("Size", p.size()).close("Part");
        }
        writeXml(call, 200, xml.finish("ListPartsResult"));
    }

    private void copyObject(S3Call call) throws IOException {
        String source = call.header("x-amz-copy-source");
        String path = source;
        String sourceVersion = null;
        int q = source.indexOf("?versionId=");
        if (q >= 0) {
            path = source.substring(0, q);
            sourceVersion = percentDecode(source.substring(q + "?versionId=".length()), false);
        }
        path = percentDecode(path, false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                    call.resource());
        }
        String sourceBucket = path.substring(0, slash);
        String sourceKey = path.substring(slash + 1);
        boolean replace = "REPLACE".equalsIgnoreCase(call.header("x-amz-metadata-directive"));
        ObjectVersion source0 = objects.headObject(sourceBucket, sourceKey, sourceVersion);
        ObjectWrite requested = objectWrite(call);
        ObjectWrite replacement = replace ? requested
                : requested.encryptionKeyId() != null ? copyMetadata(source0, requested.encryptionKeyId()) : null;
        ObjectVersion copied = objects.copyObject(sourceBucket, sourceKey, sourceVersion, call.bucket(), call.key(), replacement);
        HttpServletResponse response = call.response();
        if (!ObjectVersion.NULL_VERSION.equals(source0.versionId())) {
            response.setHeader("x-amz-copy-source-version-id", source0.versionId());
        }
        versionHeaders(response, copied);
        encryptionHeaders(response, copied);
        S3Xml xml = S3Xml.document("CopyObjectResult").element("LastModified", copied.lastModified()).element("ETag", copied.etag());
        writeXml(call, 200, xml.finish("CopyObjectResult"));
    }

    private static ObjectWrite copyMetadata(ObjectVersion source, String keyId) {
        return new ObjectWrite(-1, source.contentType(), source.userMetadata(), keyId, null, null, source.system());
    }

    private void getObject(S3Call call, boolean withBody) throws IOException {
        String versionId = call.param("versionId");
        if (call.param("partNumber") != null) {
            throw new S3Exception(S3ErrorCode.NotImplemented, "GetObject by partNumber is not implemented; use a Range", call.resource());
        }
        if (call.anonymous() && RESPONSE_OVERRIDES.stream().anyMatch(call::has)) {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Request specific response headers cannot be used for anonymous GET requests.",
                    call.resource());
        }
        HttpServletResponse response = call.response();
        if (!withBody) {
            ObjectVersion version = objects.headObject(call.bucket(), call.key(), versionId);
            if (!preconditionsHold(call, version)) {
                return;
            }
            ByteRange range = ByteRange.parse(call.header("Range"));
            objectHeaders(call, version);
            if (range != null && version.size() > 0) {
                long[] r = range.resolve(version.size(), call.resource());
                response.setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + version.size());
                response.setContentLengthLong(r[1] - r[0] + 1);
                response.setStatus(206);
            } else {
                response.setContentLengthLong(version.size());
                response.setStatus(200);
            }
            return;
        }
        ByteRange range = ByteRange.parse(call.header("Range"));
        try (ObjectContent content = objects.getObject(call.bucket(), call.key(), versionId, range)) {
            ObjectVersion version = content.version();
            if (!preconditionsHold(call, version)) {
                return;
            }
            objectHeaders(call, version);
            response.setContentLengthLong(content.length());
            if (content.ranged()) {
                response.setHeader("Content-Range", "bytes " + content.start() + "-" + (content.start() + content.length() - 1) + "/" + version.size());
                response.setStatus(206);
            } else {
                response.setStatus(200);
            }
            // Each kind of content writes itself in its own pieces: read-ahead blobs as native buffers, decrypted
            // objects a GCM chunk at a time.
            content.stream().transferTo(new ResponseBody(response.getOutputStream()));
        }
    }

    /** Applies If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since; false when answered already. */
    private boolean preconditionsHold(S3Call call, ObjectVersion version) {
        String ifMatch = call.header("If-Match");
        if (ifMatch != null && !etagMatches(ifMatch, version.etag())) {
            throw new S3Exception(S3ErrorCode.PreconditionFailed, "At least one of the pre-conditions you specified did not hold", call.resource());
        }
        Instant unmodifiedSince = httpDate(call.header("If-Unmodified-Since"));
        if (ifMatch == null && unmodifiedSince != null && version.lastModified().getEpochSecond() > unmodifiedSince.getEpochSecond()) {
            throw new S3Exception(S3ErrorCode.PreconditionFailed, "At least one of the pre-conditions you specified did not hold", call.resource());
        }
        String ifNoneMatch = call.header("If-None-Match");
        Instant modifiedSince = httpDate(call.header("If-Modified-Since"));
        boolean notModified = ifNoneMatch != null ? etagMatches(ifNoneMatch, version.etag())
                : modifiedSince != null && version.lastModified().getEpochSecond() <= modifiedSince.getEpochSecond();
        if (notModified) {
            call.response().setHeader("ETag", version.etag());
            call.response().setHeader("Last-Modified", HTTP_DATE.format(version.lastModified()));
            call.response().setStatus(304);
            return false;
        }
        return true;
    }

    private static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || ("\"" + c + "\"").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Instant httpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void objectHeaders(S3Call call, ObjectVersion version) {
        HttpServletResponse response = call.response();
        response.setHeader("ETag", version.etag());
        response.setHeader("Last-Modified", HTTP_DATE.format(version.lastModified()));
        response.setHeader("Accept-Ranges", "bytes");
        String contentType = call.param("response-content-type") != null ? call.param("response-content-type")
                : version.contentType() != null ? version.contentType() : "binary/octet-stream";
        response.setContentType(contentType);
        for (String header : SystemMetadata.HEADERS) {
            // GetObject's response-* parameters override what is stored (checked signed in responseOverrides).
            String value = call.param("response-" + header.toLowerCase(Locale.ROOT));
            response.setHeader(header, value != null ? value : version.system().get(header));
        }
        for (Map.Entry<String, String> meta : version.userMetadata().entrySet()) {
            response.setHeader("x-amz-meta-" + meta.getKey(), meta.getValue());
        }
        if (version.partsCount() != null) {
            response.setHeader("x-amz-mp-parts-count", Integer.toString(version.partsCount()));
        }
        versionHeaders(response, version);
        encryptionHeaders(response, version);
    }

    private void deleteObject(S3Call call) {
        DeleteResult result = objects.deleteObject(call.bucket(), call.key(), call.param("versionId"));
        HttpServletResponse response = call.response();
        if (result.versionId() != null && !ObjectVersion.NULL_VERSION.equals(result.versionId())) {
            response.setHeader("x-amz-version-id", result.versionId());
        }
        if (result.deleteMarker()) {
            response.setHeader("x-amz-delete-marker", "true");
        }
        response.setStatus(204);
    }

    private void deleteObjects(S3Call call) throws IOException {
        Element root = S3Xml.parse(call.request().getInputStream(), call.resource());
        boolean quiet = "true".equalsIgnoreCase(String.valueOf(S3Xml.text(root, "Quiet")).trim());
        List<Element> targets = S3Xml.children(root, "Object");
        if (targets.size() > 1000) {
            throw new S3Exception(S3ErrorCode.MalformedXML, "A delete request may name at most 1000 objects", call.resource());
        }
        objects.headBucket(call.bucket());
        S3Xml xml = S3Xml.document("DeleteResult");
        for (Element target : targets) {
            String key = S3Xml.text(target, "Key");
            String versionId = S3Xml.text(target, "VersionId");
            try {
                DeleteResult result = objects.deleteObject(call.bucket(), key, versionId == null || versionId.isEmpty() ? null : versionId);
                if (!quiet) {
                    xml.open("Deleted").element("Key", key).element("VersionId", versionId);
                    if (result.deleteMarker()) {
                        xml.element("DeleteMarker", true).element("DeleteMarkerVersionId", result.versionId());
                    }
                    xml.close("Deleted");
                }
            } catch (S3Exception e) {
                xml.open("Error").element("Key", key).element("VersionId", versionId).element("Code", e.code().code())
                        .element("Message", e.getMessage()).close("Error");
            }
        }
        writeXml(call, 200, xml.finish("DeleteResult"));
    }

    // ------------------------------------------------------------------------------------------------ request bodies

    /** The object's metadata and encryption as the request's headers give them. */
    private ObjectWrite objectWrite(S3Call call) {
        HttpServletRequest request = call.request();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-meta-")) {
                metadata.put(lower.substring("x-amz-meta-".length()), request.getHeader(name));
            }
        }
        String encryption = call.header("x-amz-server-side-encryption");
        String keyId = null;
        if (encryption != null) {
            if ("aws:kms".equals(encryption) || "aws:kms:dsse".equals(encryption)) {
                keyId = call.header("x-amz-server-side-encryption-aws-kms-key-id");
                if (keyId == null || keyId.isBlank()) {
                    keyId = "alias/aws/s3";
                }
            } else if ("AES256".equals(encryption)) {
                keyId = "alias/aws/s3";
            } else {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "The encryption method specified is not supported: " + encryption, call.resource());
            }
        }
        String sha = call.header("x-amz-content-sha256");
        String expectedSha = sha != null && sha.matches("[0-9a-fA-F]{64}") ? sha : null;
        String md5 = call.header("Content-MD5");
        if (md5 != null && !md5.matches("[A-Za-z0-9+/]{22}==")) {
            throw new S3Exception(S3ErrorCode.InvalidDigest, "The Content-MD5 you specified was invalid.", call.resource());
        }
        String contentType = request.getContentType();
        return new ObjectWrite(-1, contentType, metadata, keyId, md5, expectedSha, systemMetadata(call));
    }

    /**
     * Cache-Control, Content-Disposition, Content-Encoding, Content-Language and Expires as sent; as S3 does, the
     * {@code aws-chunked} transfer coding is not part of the stored Content-Encoding.
     */
    private static SystemMetadata systemMetadata(S3Call call) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : SystemMetadata.HEADERS) {
            String value = call.header(header);
            if (value != null) {
                headers.put(header, value);
            }
        }
        String encoding = headers.get("Content-Encoding");
        if (encoding != null) {
            List<String> codings = new ArrayList<>();
            for (String coding : encoding.split(",")) {
                if (!coding.isBlank() && !coding.trim().equalsIgnoreCase("aws-chunked")) {
                    codings.add(coding.trim());
                }
            }
            if (codings.isEmpty()) {
                headers.remove("Content-Encoding");
            } else {
                headers.put("Content-Encoding", String.join(",", codings));
            }
        }
        return SystemMetadata.fromHeaders(headers);
    }

    private static boolean isChunked(S3Call call) {
        String sha = call.header("x-amz-content-sha256");
        String encoding = call.header("Content-Encoding");
        return (sha != null && sha.startsWith("STREAMING-")) || (encoding != null && encoding.contains("aws-chunked"));
    }

    /** The plaintext length the request announces, or -1 when it does not. */
    private static long declaredLength(S3Call call) {
        if (isChunked(call)) {
            String decoded = call.header("x-amz-decoded-content-length");
            if (decoded == null) {
                throw new S3Exception(S3ErrorCode.MissingContentLength, "An aws-chunked upload needs x-amz-decoded-content-length", call.resource());
            }
            try {
                return Long.parseLong(decoded.trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a number", call.resource());
            }
        }
        return call.request().getContentLengthLong();
    }

    /** The request's content: aws-chunked decoded, and checked against any x-amz-checksum-* header as it ends. */
    private static InputStream body(S3Call call) throws IOException {
        return body(call, false);
    }

    /**
     * As {@link #body(S3Call)}; {@code storeChecksSha256} when the content goes to an object store that compares its
     * sha256 with the signed x-amz-content-sha256 itself ({@link ObjectStore#checksDeclaredSha256()}, which
     * {@link #objectWrite} passes it): the body is then not digested here a second time (0.6 s of CPU per GiB, the
     * largest cost of a signed upload after the MD5).
     */
    private static InputStream body(S3Call call, boolean storeChecksSha256) throws IOException {
        InputStream in = call.request().getInputStream();
        if (!storeChecksSha256 && VerifiedBodyInputStream.isHash(call.header("x-amz-content-sha256"))) {
            in = VerifiedBodyInputStream.sha256(in, call.header("x-amz-content-sha256"), call.resource());
        }
        if (isChunked(call)) {
            ChecksumAlgorithm trailer = ChecksumAlgorithm.fromHeader(call.header("x-amz-trailer"));
            in = new AwsChunkedInputStream(new BufferedInputStream(in, 64 * 1024), trailer, call.resource(),
                    (dev.conveyor.server.auth.ChunkSignatures) call.request().getAttribute(dev.conveyor.server.auth.ChunkSignatures.ATTRIBUTE));
        }
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            String expected = call.header(algorithm.header());
            if (expected != null) {
                in = VerifiedBodyInputStream.checksum(in, algorithm, expected.trim(), call.resource());
                break;
            }
        }
        return in;
    }

    private static void echoChecksum(S3Call call) {
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            String value = call.header(algorithm.header());
            if (value != null) {
                call.response().setHeader(algorithm.header(), value);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ responses

    private static void versionHeaders(HttpServletResponse response, ObjectVersion version) {
        if (version.versionId() != null && !ObjectVersion.NULL_VERSION.equals(version.versionId())) {
            response.setHeader("x-amz-version-id", version.versionId());
        }
    }

    private void encryptionHeaders(HttpServletResponse response, ObjectVersion version) {
        if (version.kmsKeyId() != null) {
            response.setHeader("x-amz-server-side-encryption", "aws:kms");
            response.setHeader("x-amz-server-side-encryption-aws-kms-key-id", kmsArn(version.kmsKeyId()));
        }
    }

    private String kmsArn(String keyId) {
        return "arn:aws:kms:" + region + ":" + accountId + ":key/" + keyId;
    }

    private static void owner(S3Xml xml) {
        xml.open("Owner").element("ID", OWNER_ID).element("DisplayName", "conveyor").close("Owner");
    }

    private static String encode(String value, boolean url) {
        if (value == null || !url) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
                    || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static void writeXml(S3Call call, int status, byte[] body) throws IOException {
        HttpServletResponse response = call.response();
        response.setStatus(status);
        response.setContentType("application/xml");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void writeError(S3Call call, S3Exception e) throws IOException {
        if (e.deleteMarker()) {
            call.response().setHeader("x-amz-delete-marker", "true");
            if (e.versionId() != null && !ObjectVersion.NULL_VERSION.equals(e.versionId())) {
                call.response().setHeader("x-amz-version-id", e.versionId());
            }
        }
        // Stores name the resource "bucket/key"; the protocol's own errors already pass call.resource(), "/bucket/key".
        String resource = e.resource() == null ? call.resource() : e.resource().startsWith("/") ? e.resource() : "/" + e.resource();
        writeError(call.request(), call.response(), e.code().code(), e.getMessage(), e.code().httpStatus(), resource, call.requestId());
    }

    /** Writes S3's XML error document (no body for HEAD), unless the response has already started. */
    public static void writeError(HttpServletRequest request, HttpServletResponse response, String code, String message, int status,
                                  String resource, String requestId) throws IOException {
        request.setAttribute(dev.conveyor.server.audit.CallAuditor.S3_ERROR_CODE, code);
        if (response.isCommitted()) {
            LOG.warn("S3 {} {} failed after the response started: {} {}", request.getMethod(), resource, code, message);
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("x-amz-request-id", requestId);
        if ("HEAD".equals(request.getMethod())) {
            response.setContentLength(0);
            return;
        }
        byte[] body = errorDocument(code, message, resource, requestId);
        response.setContentType("application/xml");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** S3's XML error document. */
    public static byte[] errorDocument(String code, String message, String resource, String requestId) {
        return S3Xml.plainDocument("Error").element("Code", code).element("Message", message).element("Resource", resource)
                .element("RequestId", requestId).finish("Error");
    }
}
