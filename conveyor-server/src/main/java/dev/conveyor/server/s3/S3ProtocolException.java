package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3Exception;
import java.io.IOException;

/** An S3 error found while a request body streams (bad chunk, checksum mismatch), carried through stream APIs. */
final class S3ProtocolException extends IOException {
    private final S3Exception error;

    S3ProtocolException(S3Exception error) {
        super(error.getMessage());
        this.error = error;
    }

    S3Exception error() {
        return error;
    }
}
