package dev.conveyor.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.artifacts.object.ObjectContent;
import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.artifacts.object.S3Exception;
import dev.conveyor.functions.code.CodeStore;
import dev.conveyor.functions.code.StoredCode;
import dev.conveyor.functions.errors.InvalidParameterValueException;
import dev.conveyor.functions.errors.InvalidRequestContentException;
import dev.conveyor.functions.errors.RequestTooLargeException;
import dev.conveyor.functions.errors.ResourceConflictException;
import dev.conveyor.functions.errors.ResourceNotFoundException;
import dev.conveyor.functions.runtime.FunctionSpec;
import dev.conveyor.functions.runtime.InstancePool;
import dev.conveyor.functions.runtime.InvocationResult;
import dev.conveyor.functions.store.FunctionRepository;
import dev.conveyor.functions.store.FunctionRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The functions' operations, for the Lambda API and for the engine alike ({@link #invoke(String, byte[])}): parse and
 * validate, keep the code by content, write the row, then act on instances. A function is always at version
 * {@code $LATEST}; a change of code or configuration gives it a new revision, and instances of the old one are not reused.
 */
public final class Functions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Functions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lambda's limits: a zip in a request, a synchronous payload, an asynchronous one. */
    static final int MAX_ZIP_BYTES = 50 * 1024 * 1024;
    public static final int MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
    public static final int MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;
    private static final int DEFAULT_TIMEOUT = 3;
    private static final int DEFAULT_MEMORY = 128;
    /** A function named by name, {@code name:qualifier}, {@code account:function:name} or its full ARN. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:)?(?:(\\d{12}):function:)?([a-zA-Z0-9_-]+)(?::(\\$LATEST|[a-zA-Z0-9_-]+))?");

    private final FunctionRepository repository;
    private final CodeStore code;
    private final InstancePool pool;
    private final ObjectStore objects;
    private final Path logsDir;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final ExecutorService asyncInvocations = Executors.newVirtualThreadPerTaskExecutor();

    Functions(FunctionRepository repository, CodeStore code, InstancePool pool, ObjectStore objects, Path logsDir, String region,
              String accountId, Clock clock) {
        this.repository = repository;
        this.code = code;
        this.pool = pool;
        this.objects = objects;
        this.logsDir = logsDir;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public FunctionConfiguration create(FunctionInput input, CodeInput codeInput) {
        String name = input.functionName();
        int timeout = input.timeout() == null ? DEFAULT_TIMEOUT : input.timeout();
        int memory = input.memorySize() == null ? DEFAULT_MEMORY : input.memorySize();
        Map<String, String> environment = input.environment() == null ? Map.of() : input.environment();
        String description = input.description() == null ? "" : input.description();
        FunctionValidator.validate(name, input.runtime(), input.role(), input.handler(), description, timeout, memory, environment);
        StoredCode stored = storeCode(codeInput);
        FunctionRow row = new FunctionRow(name, input.runtime(), input.role(), input.handler(), description, timeout, memory, environment,
                stored.sha256Hex(), stored.size(), UUID.randomUUID().toString(), clock.instant());
        if (!repository.insert(row)) {
            forgetCodeIfUnused(stored.sha256Hex());
            throw new ResourceConflictException("Function already exist: " + name, "FunctionName");
        }
        return configuration(row);
    }

    public FunctionConfiguration get(String reference) {
        return configuration(find(reference));
    }

    /** A page of functions in name order after {@code marker} (a function name), and the next page's marker or null. */
    public Page list(String marker, int maxItems) {
        if (maxItems < 1 || maxItems > 10000) {
            throw new InvalidParameterValueException("MaxItems must be between 1 and 10000", "MaxItems");
        }
        List<FunctionRow> rows = repository.list(marker, maxItems + 1);
        boolean more = rows.size() > maxItems;
        List<FunctionRow> page = more ? rows.subList(0, maxItems) : rows;
        return new Page(page.stream().map(this::configuration).toList(), more ? page.getLast().name() : null);
    }

    /** A page of {@link #list(String, int)}. */
    public record Page(List<FunctionConfiguration> functions, String nextMarker) {
    }

    public FunctionConfiguration updateCode(String reference, CodeInput codeInput, String expectedRevision) {
        FunctionRow current = find(reference);
        checkRevision(current, expectedRevision);
        StoredCode stored = storeCode(codeInput);
        FunctionRow updated = new FunctionRow(current.name(), current.runtime(), current.role(), current.handler(), current.description(),
                current.timeoutSeconds(), current.memorySize(), current.environment(), stored.sha256Hex(), stored.size(),
                UUID.randomUUID().toString(), clock.instant());
        replace(updated, current);
        return configuration(updated);
    }

    /** Changes the settings the input gives; the others stay as they are. */
    public FunctionConfiguration updateConfiguration(String reference, FunctionInput input, String expectedRevision) {
        FunctionRow current = find(reference);
        checkRevision(current, expectedRevision);
        String runtime = input.runtime() == null ? current.runtime() : input.runtime();
        String role = input.role() == null ? current.role() : input.role();
        String handler = input.handler() == null ? current.handler() : input.handler();
        String description = input.description() == null ? current.description() : input.description();
        int timeout = input.timeout() == null ? current.timeoutSeconds() : input.timeout();
        int memory = input.memorySize() == null ? current.memorySize() : input.memorySize();
        Map<String, String> environment = input.environment() == null ? current.environment() : input.environment();
        FunctionValidator.validate(current.name(), runtime, role, handler, description, timeout, memory, environment);
        FunctionRow updated = new FunctionRow(current.name(), runtime, role, handler, description, timeout, memory, environment,
                current.codeSha256Hex(), current.codeSize(), UUID.randomUUID().toString(), clock.instant());
        replace(updated, current);
        return configuration(updated);
    }

    public void delete(String reference) {
        FunctionRow row = find(reference);
        if (!repository.delete(row.name())) {
            throw notFound(row.name());
        }
        pool.evict(row.name());
        forgetCodeIfUnused(row.codeSha256Hex());
    }

    /** Invokes a function synchronously (RequestResponse) and returns its result: what the engine calls. */
    public InvocationResult invoke(String reference, byte[] payload) {
        FunctionRow row = find(reference);
        byte[] event = checkPayload(payload, MAX_SYNC_PAYLOAD_BYTES);
        try {
            return pool.invoke(spec(row), newRequestId(), event, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + row.name(), e);
        }
    }

    /** Queues an invocation (Event) and returns its request id at once; it runs when the function has capacity. */
    public String invokeAsync(String reference, byte[] payload) {
        FunctionRow row = find(reference);
        byte[] event = checkPayload(payload, MAX_ASYNC_PAYLOAD_BYTES);
        FunctionSpec spec = spec(row);
        String requestId = newRequestId();
        asyncInvocations.submit(() -> {
            try {
                InvocationResult result = pool.invoke(spec, requestId, event, true);
                if (result.failed()) {
                    LOG.info("asynchronous invocation {} of {} failed: {}", requestId, spec.name(),
                            new String(result.payload(), StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("asynchronous invocation {} of {} could not run: {}", requestId, spec.name(), e.toString());
            }
        });
        return requestId;
    }

    /** Checks that the function exists and the payload is acceptable, without running it (InvocationType DryRun). */
    public void dryRun(String reference, byte[] payload) {
        find(reference);
        checkPayload(payload, MAX_SYNC_PAYLOAD_BYTES);
    }

    /** The log kept for one invocation (START … REPORT), if there is one. */
    public Optional<String> invocationLog(String reference, String requestId) {
        FunctionRow row = find(reference);
        Path file = logsDir.resolve(row.name()).resolve(requestId + ".log");
        if (!requestId.matches("[0-9a-f-]{36}") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The code zip of a function by its SHA-256 (hex), for GetFunction's download location. */
    public Optional<Path> codeZip(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Path zip = code.zip(sha256Hex);
        return Files.isRegularFile(zip) ? Optional.of(zip) : Optional.empty();
    }

    /** The hex SHA-256 of a function's code zip. */
    public String codeSha256Hex(String reference) {
        return find(reference).codeSha256Hex();
    }

    /** The pids of a function's warm (idle) instances: for tests and tools. */
    public List<Long> warmInstancePids(String reference) {
        return pool.idlePids(find(reference).name());
    }

    private FunctionRow find(String reference) {
        String name = nameOf(reference);
        return repository.find(name).orElseThrow(() -> notFound(name));
    }

    /** The function name a reference names; a qualifier other than {@code $LATEST} names a version Conveyor does not have. */
    private String nameOf(String reference) {
        Matcher matcher = reference == null ? null : REFERENCE.matcher(reference);
        if (matcher == null || !matcher.matches() || matcher.group(2).length() > 64) {
            throw new InvalidParameterValueException("1 validation error detected: Value '" + reference
                    + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
                    "FunctionName");
        }
        if (matcher.group(1) != null && !matcher.group(1).equals(accountId)) {
            throw notFound(matcher.group(2));
        }
        if (matcher.group(3) != null && !"$LATEST".equals(matcher.group(3))) {
            throw new ResourceNotFoundException("Function not found: " + arn(matcher.group(2)) + ":" + matcher.group(3), "Qualifier");
        }
        return matcher.group(2);
    }

    private ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("Function not found: " + arn(name), "FunctionName");
    }

    private String arn(String name) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
    }

    private static void checkRevision(FunctionRow row, String expectedRevision) {
        if (expectedRevision != null && !expectedRevision.equals(row.revisionId())) {
            throw new InvalidParameterValueException("The Revision Id provided does not match the latest Revision Id. "
                    + "Call the GetFunction/GetAlias API to retrieve the latest Revision Id", "RevisionId");
        }
    }

    private void replace(FunctionRow updated, FunctionRow current) {
        if (!repository.replace(updated, current.revisionId())) {
            forgetCodeIfUnused(updated.codeSha256Hex());
            throw new ResourceConflictException("The operation cannot be performed at this time. An update is in progress for resource: "
                    + arn(current.name()), "FunctionName");
        }
        pool.evict(current.name());
        if (!current.codeSha256Hex().equals(updated.codeSha256Hex())) {
            forgetCodeIfUnused(current.codeSha256Hex());
        }
    }

    private StoredCode storeCode(CodeInput input) {
        if (input == null) {
            throw new InvalidParameterValueException("Code is required: give ZipFile, or S3Bucket and S3Key", "Code");
        }
        if (input.imageUri() != null) {
            throw new InvalidParameterValueException("Container images (ImageUri) are not supported by Conveyor; give a zip", "Code.ImageUri");
        }
        boolean fromS3 = input.s3Bucket() != null || input.s3Key() != null;
        if (input.zipFile() != null && fromS3) {
            throw new InvalidParameterValueException("Please do not provide other FunctionCode parameters when providing a ZipFile.",
                    "Code.ZipFile");
        }
        if (input.zipFile() != null) {
            if (input.zipFile().length > MAX_ZIP_BYTES) {
                throw new RequestTooLargeException("Request must be smaller than " + MAX_ZIP_BYTES + " bytes for the CreateFunction operation",
                        "Code.ZipFile");
            }
            return code.store(input.zipFile(), "Code.ZipFile");
        }
        if (input.s3Bucket() == null || input.s3Key() == null) {
            throw new InvalidParameterValueException(input.s3Bucket() == null && input.s3Key() == null
                    ? "Code is required: give ZipFile, or S3Bucket and S3Key"
                    : "Both S3Bucket and S3Key are required for code in S3", input.s3Bucket() == null ? "Code.S3Bucket" : "Code.S3Key");
        }
        try (ObjectContent content = objects.getObject(input.s3Bucket(), input.s3Key(), input.s3ObjectVersion(), null);
             InputStream in = content.stream()) {
            byte[] zip = in.readNBytes(MAX_ZIP_BYTES * 5 + 1); // Lambda takes larger zips from S3 than inline
            if (zip.length > MAX_ZIP_BYTES * 5) {
                throw new InvalidParameterValueException("The code object in S3 is larger than " + MAX_ZIP_BYTES * 5 + " bytes", "Code.S3Key");
            }
            return code.store(zip, "Code.S3Key");
        } catch (S3Exception e) {
            throw new InvalidParameterValueException("Error occurred while GetObject. S3 Error Code: " + e.code()
                    + ". S3 Error Message: " + e.getMessage(), "Code.S3Key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forgetCodeIfUnused(String sha256Hex) {
        if (!repository.codeInUse(sha256Hex)) {
            code.delete(sha256Hex);
        }
    }

    private static byte[] checkPayload(byte[] payload, int limit) {
        if (payload == null || payload.length == 0) {
            return "{}".getBytes(StandardCharsets.UTF_8); // as Lambda: no payload is an empty event
        }
        if (payload.length > limit) {
            throw new RequestTooLargeException("Request must be smaller than " + limit + " bytes for the Invoke operation", "Payload");
        }
        try {
            JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestContentException("Could not parse request body into json: the Payload is not valid JSON", "Payload");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return payload;
    }

    private FunctionSpec spec(FunctionRow row) {
        return new FunctionSpec(row.name(), arn(row.name()), row.runtime(), row.handler(), row.timeoutSeconds(), row.memorySize(),
                row.environment(), row.revisionId(), code.taskRoot(row.codeSha256Hex()));
    }

    private FunctionConfiguration configuration(FunctionRow row) {
        String sha256Base64 = Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(row.codeSha256Hex()));
        return new FunctionConfiguration(row.name(), arn(row.name()), row.runtime(), row.role(), row.handler(), row.codeSize(),
                row.description(), row.timeoutSeconds(), row.memorySize(), row.lastModified(), sha256Base64, row.environment(),
                row.revisionId());
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** Stops taking asynchronous invocations; the pool is closed by its owner. */
    @Override
    public void close() {
        asyncInvocations.shutdownNow();
    }
}
