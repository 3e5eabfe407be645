package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Verifies an {@code x-amz-checksum-*} header against the body when the body's end is reached. */
final class ChecksummedInputStream extends FilterInputStream {
    private final ChecksumAlgorithm algorithm;
    private final ChecksumAlgorithm.Running running;
    private final String expected;
    private final String resource;
    private boolean checked;

    ChecksummedInputStream(InputStream in, ChecksumAlgorithm algorithm, String expected, String resource) {
        super(in);
        this.algorithm = algorithm;
        this.running = algorithm.start();
        this.expected = expected;
        this.resource = resource;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            if (!checked) {
                checked = true;
                String actual = running.value();
                if (!actual.equals(expected)) {
                    throw new S3ProtocolException(new S3Exception(S3ErrorCode.BadDigest, "The " + algorithm.name()
                            + " you specified did not match the calculated checksum", resource));
                }
            }
            return -1;
        }
        running.update(b, off, n);
        return n;
    }
}
