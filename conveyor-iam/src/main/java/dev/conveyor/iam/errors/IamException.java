package dev.conveyor.iam.errors;

import dev.conveyor.model.errors.ServiceException;

/** An IAM or STS error: its Query protocol code, and whether the sender (4xx) or the service (5xx) is at fault. */
public abstract class IamException extends ServiceException {
    protected IamException(String message, String path, int httpStatus) {
        super(message, path, httpStatus);
    }

    /** The error code on the wire ({@code <Code>}), as the service model's awsQueryError names it. */
    public abstract String code();

    public boolean senderFault() {
        return httpStatus() < 500;
    }
}
