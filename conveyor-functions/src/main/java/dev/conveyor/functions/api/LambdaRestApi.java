package dev.conveyor.functions.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.functions.CodeInput;
import dev.conveyor.functions.FunctionConfiguration;
import dev.conveyor.functions.FunctionInput;
import dev.conveyor.functions.Functions;
import dev.conveyor.functions.errors.InvalidParameterValueException;
import dev.conveyor.functions.errors.InvalidRequestContentException;
import dev.conveyor.functions.errors.LambdaException;
import dev.conveyor.functions.errors.ResourceNotFoundException;
import dev.conveyor.functions.errors.TooManyRequestsException;
import dev.conveyor.functions.runtime.InvocationResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Lambda API's function operations on their REST-JSON paths, as botocore's {@code lambda} model (2015-03-31) has
 * them: CreateFunction, ListFunctions, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,
 * UpdateFunctionConfiguration, DeleteFunction and Invoke (RequestResponse, Event, DryRun; {@code LogType: Tail}).
 */
public final class LambdaRestApi {
    /** Where GetFunction's {@code Code.Location} points: the zip by its SHA-256, served without a signature like a presigned URL. */
    public static final String CODE_PREFIX = "/conveyor/functions/code/";
    private static final String FUNCTIONS = "/2015-03-31/functions";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final int TAIL_BYTES = 4096;

    private final Functions functions;

    public LambdaRestApi(Functions functions) {
        this.functions = functions;
    }

    /** Serves one request; API errors are thrown as {@link LambdaException}s for the caller to write ({@link #error}). */
    public RestResponse handle(RestRequest request) {
        String path = request.path();
        if (!path.startsWith(FUNCTIONS)) {
            throw new ResourceNotFoundException("No Lambda operation is served at " + path, null);
        }
        List<String> segments = Arrays.stream(path.substring(FUNCTIONS.length()).split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        String method = request.method();
        if (segments.isEmpty()) {
            return switch (method) {
                case "POST" -> json(201, configuration(createFunction(request)));
                case "GET" -> listFunctions(request);
                default -> throw unknown(method, path);
            };
        }
        String name = segments.getFirst();
        String sub = segments.size() == 1 ? "" : String.join("/", segments.subList(1, segments.size()));
        return switch (method + " " + sub) {
            case "GET " -> getFunction(request, name);
            case "GET configuration" -> json(200, configuration(functions.get(qualified(name, request))));
            case "DELETE " -> {
                functions.delete(qualified(name, request));
                yield new RestResponse(204, Map.of(), new byte[0]);
            }
            case "PUT code" -> json(200, configuration(updateCode(request, name)));
            case "PUT configuration" -> json(200, configuration(updateConfiguration(request, name)));
            case "POST invocations" -> invoke(request, qualified(name, request));
            default -> throw unknown(method, path);
        };
    }

    private FunctionConfiguration createFunction(RestRequest request) {
        JsonNode body = body(request);
        String packageType = text(body, "PackageType");
        if (packageType != null && !"Zip".equals(packageType)) {
            throw new InvalidParameterValueException("PackageType " + packageType + " is not supported by Conveyor; use Zip", "PackageType");
        }
        return functions.create(functionInput(body, true), codeInput(body.path("Code"), "Code."));
    }

    private RestResponse listFunctions(RestRequest request) {
        String maxItems = request.query().get("MaxItems");
        int max;
        try {
            max = maxItems == null ? 50 : Integer.parseInt(maxItems);
        } catch (NumberFormatException e) {
            throw new InvalidParameterValueException("MaxItems must be an integer between 1 and 10000", "MaxItems");
        }
        Functions.Page page = functions.list(request.query().get("Marker"), max);
        ObjectNode out = JSON.createObjectNode();
        var list = out.putArray("Functions");
        page.functions().forEach(f -> list.add(configuration(f)));
        if (page.nextMarker() != null) {
            out.put("NextMarker", page.nextMarker());
        }
        return json(200, out);
    }

    private RestResponse getFunction(RestRequest request, String name) {
        FunctionConfiguration function = functions.get(qualified(name, request));
        ObjectNode out = JSON.createObjectNode();
        out.set("Configuration", configuration(function));
        out.putObject("Code").put("RepositoryType", "S3")
                .put("Location", request.baseUrl() + CODE_PREFIX + functions.codeSha256Hex(function.functionName()) + ".zip");
        out.putObject("Tags");
        return json(200, out);
    }

    private FunctionConfiguration updateCode(RestRequest request, String name) {
        JsonNode body = body(request);
        return functions.updateCode(name, codeInput(body, ""), text(body, "RevisionId"));
    }

    private FunctionConfiguration updateConfiguration(RestRequest request, String name) {
        JsonNode body = body(request);
        return functions.updateConfiguration(name, functionInput(body, false), text(body, "RevisionId"));
    }

    private RestResponse invoke(RestRequest request, String name) {
        String type = request.header("X-Amz-Invocation-Type");
        String logType = request.header("X-Amz-Log-Type");
        if (logType != null && !logType.equals("None") && !logType.equals("Tail")) {
            throw new InvalidParameterValueException("LogType must be None or Tail", "LogType");
        }
        byte[] payload = request.body();
        if (type == null || type.equals("RequestResponse")) {
            InvocationResult result = functions.invoke(name, payload);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Amz-Executed-Version", "$LATEST");
            headers.put("x-amzn-RequestId", result.requestId());
            if (result.failed()) {
                headers.put("X-Amz-Function-Error", result.functionError());
            }
            if ("Tail".equals(logType)) {
                headers.put("X-Amz-Log-Result", tail(result.log()));
            }
            return new RestResponse(200, headers, result.payload());
        }
        if (type.equals("Event")) {
            String requestId = functions.invokeAsync(name, payload);
            return new RestResponse(202, Map.of("x-amzn-RequestId", requestId), new byte[0]);
        }
        if (type.equals("DryRun")) {
            functions.dryRun(name, payload);
            return new RestResponse(204, Map.of(), new byte[0]);
        }
        throw new InvalidParameterValueException("InvocationType must be RequestResponse, Event or DryRun", "InvocationType");
    }

    /** The last 4 KB of the invocation's log, base64, as {@code X-Amz-Log-Result}. */
    private static String tail(String log) {
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        int from = Math.max(0, bytes.length - TAIL_BYTES);
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** A function reference with the {@code Qualifier} query parameter, as Lambda takes it. */
    private static String qualified(String name, RestRequest request) {
        String qualifier = request.query().get("Qualifier");
        return qualifier == null ? name : name + ":" + qualifier;
    }

    private static FunctionInput functionInput(JsonNode body, boolean create) {
        Map<String, String> environment = null;
        JsonNode variables = body.path("Environment").path("Variables");
        if (!variables.isMissingNode() && !variables.isNull()) {
            if (!variables.isObject()) {
                throw new InvalidParameterValueException("Environment.Variables must be a map of strings", "Environment.Variables");
            }
            environment = new TreeMap<>();
            for (var variable : variables.properties()) {
                if (!variable.getValue().isTextual()) {
                    throw new InvalidParameterValueException("Environment variable " + variable.getKey() + " must be a string",
                            "Environment.Variables." + variable.getKey());
                }
                environment.put(variable.getKey(), variable.getValue().asText());
            }
        } else if (body.path("Environment").isObject()) {
            environment = Map.of(); // {"Environment": {}} clears the variables
        }
        return new FunctionInput(create ? requiredText(body, "FunctionName") : null, text(body, "Runtime"), create ? requiredText(body, "Role")
                : text(body, "Role"), text(body, "Handler"), text(body, "Description"), integer(body, "Timeout"), integer(body, "MemorySize"),
                environment);
    }

    private static CodeInput codeInput(JsonNode code, String prefix) {
        if (code.isMissingNode() || code.isNull()) {
            throw new InvalidParameterValueException("Code is required: give ZipFile, or S3Bucket and S3Key", "Code");
        }
        byte[] zip = null;
        String zipText = text(code, "ZipFile", prefix);
        if (zipText != null) {
            try {
                zip = Base64.getDecoder().decode(zipText);
            } catch (IllegalArgumentException e) {
                throw new InvalidParameterValueException(prefix + "ZipFile is not valid base64", prefix + "ZipFile");
            }
        }
        return new CodeInput(zip, text(code, "S3Bucket", prefix), text(code, "S3Key", prefix), text(code, "S3ObjectVersion", prefix),
                text(code, "ImageUri", prefix));
    }

    private static JsonNode body(RestRequest request) {
        try {
            JsonNode body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new InvalidRequestContentException("The request body must be a JSON object", null);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new InvalidRequestContentException("Could not parse request body into json", null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        return text(node, field, "");
    }

    private static String text(JsonNode node, String field, String prefix) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidParameterValueException(prefix + field + " must be a string", prefix + field);
        }
        return value.asText();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            throw new InvalidParameterValueException("1 validation error detected: Value null at '" + Character.toLowerCase(field.charAt(0))
                    + field.substring(1) + "' failed to satisfy constraint: Member must not be null", field);
        }
        return value;
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidParameterValueException(field + " must be an integer", field);
        }
        return value.asInt();
    }

    private static ObjectNode configuration(FunctionConfiguration f) {
        ObjectNode out = JSON.createObjectNode();
        out.put("FunctionName", f.functionName());
        out.put("FunctionArn", f.functionArn());
        out.put("Runtime", f.runtime());
        out.put("Role", f.role());
        if (f.handler() != null) {
            out.put("Handler", f.handler());
        }
        out.put("CodeSize", f.codeSize());
        out.put("Description", f.description());
        out.put("Timeout", f.timeout());
        out.put("MemorySize", f.memorySize());
        out.put("LastModified", LAST_MODIFIED.format(f.lastModified()));
        out.put("CodeSha256", f.codeSha256());
        out.put("Version", "$LATEST");
        if (!f.environment().isEmpty()) {
            ObjectNode variables = out.putObject("Environment").putObject("Variables");
            new TreeMap<>(f.environment()).forEach(variables::put);
        }
        out.putObject("TracingConfig").put("Mode", "PassThrough");
        out.put("RevisionId", f.revisionId());
        out.put("State", "Active");
        out.put("LastUpdateStatus", "Successful");
        out.put("PackageType", "Zip");
        out.putArray("Architectures").add("x86_64");
        out.putObject("EphemeralStorage").put("Size", 512);
        return out;
    }

    private static RestResponse json(int status, JsonNode body) {
        try {
            return new RestResponse(status, Map.of(), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ResourceNotFoundException unknown(String method, String path) {
        return new ResourceNotFoundException("No Lambda operation is served at " + method + " " + path, null);
    }

    /** An error as Lambda writes it: {@code x-amzn-ErrorType} names the type, the body carries {@code Type} and the message. */
    public static RestResponse error(LambdaException e, String requestId) {
        ObjectNode body = JSON.createObjectNode().put("Type", e.faultType()).put("message", e.getMessage());
        if (e instanceof TooManyRequestsException tooMany) {
            body.put("Reason", tooMany.reason());
        }
        try {
            return new RestResponse(e.httpStatus(), Map.of("x-amzn-ErrorType", e.errorType(), "x-amzn-RequestId", requestId),
                    JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
