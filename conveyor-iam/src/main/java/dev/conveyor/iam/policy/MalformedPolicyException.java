package dev.conveyor.iam.policy;

/** A policy document that is not valid JSON or not a valid policy; the message says what is wrong, as IAM does. */
public final class MalformedPolicyException extends RuntimeException {
    public MalformedPolicyException(String message) {
        super(message, null, false, false);
    }
}
