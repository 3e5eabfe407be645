package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Verifies the SHA-256 a request declared in {@code x-amz-content-sha256} (and signed) against its body when the
 * body's end is reached: a body changed on the way fails the upload (XAmzContentSHA256Mismatch) before anything is
 * stored, as S3 does.
 */
final class PayloadHashInputStream extends FilterInputStream {
    private final MessageDigest digest;
    private final String expected;
    private final String resource;
    private boolean checked;

    PayloadHashInputStream(InputStream in, String expectedHex, String resource) {
        super(in);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.expected = expectedHex.toLowerCase(java.util.Locale.ROOT);
        this.resource = resource;
    }

    /** Whether a declared x-amz-content-sha256 is a hash (not UNSIGNED-PAYLOAD nor a STREAMING-… mode). */
    static boolean isHash(String declared) {
        return declared != null && declared.matches("[0-9a-fA-F]{64}");
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
                if (!HexFormat.of().formatHex(digest.digest()).equals(expected)) {
                    throw new S3ProtocolException(new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch,
                            "The provided 'x-amz-content-sha256' header does not match what was computed.", resource));
                }
            }
            return -1;
        }
        digest.update(b, off, n);
        return n;
    }
}
