package dev.conveyor.cloudwatch.errors;

import dev.conveyor.model.errors.QueryCompatibleError;
import dev.conveyor.model.errors.ServiceException;

/**
 * A CloudWatch error: named as its shape in the model (the JSON {@code __type}), with the Query code both protocols
 * carry ({@code x-amzn-query-error} in JSON, {@code <Code>} in Query's XML).
 */
public abstract class CloudWatchException extends ServiceException implements QueryCompatibleError {
    private final String queryErrorCode;

    protected CloudWatchException(String message, String path, int httpStatus, String queryErrorCode) {
        super(message, path, httpStatus);
        this.queryErrorCode = queryErrorCode;
    }

    @Override
    public String queryErrorCode() {
        return queryErrorCode;
    }
}
