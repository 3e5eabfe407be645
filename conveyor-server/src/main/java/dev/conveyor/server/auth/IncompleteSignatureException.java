package dev.conveyor.server.auth;

import dev.conveyor.model.errors.ServiceException;

/** The request claims a SigV4 signature but it is malformed; a common error of every AWS service. */
public final class IncompleteSignatureException extends ServiceException {
    public IncompleteSignatureException(String message) {
        super(message, null, 400);
    }
}
