package dev.conveyor.model.errors;

/**
 * An error of a service that moved from the AWS Query protocol to JSON while keeping its Query error codes
 * ({@code awsQueryCompatible} in its model, e.g. CloudWatch): the JSON protocol also sends
 * {@code x-amzn-query-error: <code>;<Sender|Receiver>}, from which the SDKs and the CLI take the error code.
 */
public interface QueryCompatibleError {
    /** The Query error code, e.g. {@code InvalidParameterValue} for the shape {@code InvalidParameterValueException}. */
    String queryErrorCode();

    /** Whether the client is at fault ({@code Sender}) rather than the service ({@code Receiver}). */
    default boolean senderFault() {
        return true;
    }
}
