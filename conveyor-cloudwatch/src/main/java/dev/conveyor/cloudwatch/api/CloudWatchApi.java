package dev.conveyor.cloudwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.cloudwatch.Alarms;
import dev.conveyor.model.errors.QueryCompatibleError;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.model.servicemodel.ShapeNormalizer;
import dev.conveyor.model.servicemodel.ShapeValidator;
import dev.conveyor.model.validation.Violations;
import java.util.Map;
import java.util.function.Function;

/**
 * CloudWatch's operations by name, for both of the protocols its clients speak: the server's AWS JSON protocol (which
 * validates against {@link #model()} itself and calls {@link #operations()}), and AWS Query ({@link #handleQuery}).
 */
public final class CloudWatchApi {
    public static final String XML_NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    private static final ServiceModel MODEL = ServiceModel.load("monitoring-2010-08-01.json");

    private final Map<String, Function<JsonNode, JsonNode>> operations;
    private final QueryProtocol query = new QueryProtocol(MODEL, XML_NAMESPACE);
    private final ShapeValidator validator = new ShapeValidator(MODEL);
    private final ShapeNormalizer normalizer = new ShapeNormalizer(MODEL);

    public CloudWatchApi(Alarms alarms) {
        operations = Map.of("PutMetricAlarm", alarms::putMetricAlarm, "DescribeAlarms", alarms::describeAlarms,
                "SetAlarmState", alarms::setAlarmState, "DeleteAlarms", alarms::deleteAlarms, "PutMetricData", alarms::putMetricData,
                "DescribeAlarmHistory", alarms::describeAlarmHistory);
    }

    /** CloudWatch's model (the operations served, documentation stripped); JSON 1.0 target prefix {@code GraniteServiceVersion20100801}. */
    public static ServiceModel model() {
        return MODEL;
    }

    public Map<String, Function<JsonNode, JsonNode>> operations() {
        return operations;
    }

    /** An answer in Query's XML: HTTP status, document, and the error code when it is an error. */
    public record QueryAnswer(int status, String xml, String errorCode, String errorMessage) {
    }

    /** Serves one Query request ({@code Action=…&Version=2010-08-01&…}, already URL-decoded). */
    public QueryAnswer handleQuery(Map<String, String> parameters, String requestId) {
        String action = parameters.get("Action");
        try {
            if (action == null) {
                return error(400, "MissingAction", "The request has no Action parameter.", requestId);
            }
            ServiceModel.Operation operation = MODEL.operation(action).orElse(null);
            Function<JsonNode, JsonNode> handler = operation == null ? null : operations.get(operation.name());
            if (handler == null) {
                return error(400, "InvalidAction", "The action " + action + " is not valid for this web service (or not served by Conveyor).",
                        requestId);
            }
            JsonNode input = query.input(operation, parameters);
            Violations.throwIfAny(validator.validateInput(operation, input));
            normalizer.normalizeInput(operation, input);
            JsonNode output = handler.apply(input);
            String wrapper = operation.outputShape() == null ? null : operation.name() + "Result";
            return new QueryAnswer(200, query.output(operation, output, wrapper, requestId), null, null);
        } catch (ServiceException e) {
            String code = e instanceof QueryCompatibleError q ? q.queryErrorCode()
                    : "ValidationException".equals(e.errorType()) ? "ValidationError" : e.errorType();
            return error(e.httpStatus(), code, e.getMessage(), requestId);
        }
    }

    private QueryAnswer error(int status, String code, String message, String requestId) {
        return new QueryAnswer(status, query.error(code, message, status < 500, requestId), code, message);
    }
}
