package dev.conveyor.server.s3;

import dev.conveyor.artifacts.object.S3ErrorCode;
import dev.conveyor.artifacts.object.S3Exception;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A request body that is checked against what the request declared when its end is reached, before anything is
 * stored: the signed {@code x-amz-content-sha256} ({@link #sha256}: a body changed on the way fails with
 * XAmzContentSHA256Mismatch, as S3 does) or an {@code x-amz-checksum-*} header ({@link #checksum}: BadDigest).
 * Skipped bytes are digested too: {@link InputStream#skip} reads what it skips through {@link #read(byte[], int, int)}
 * (which is why this is not a FilterInputStream, whose skip would pass over them unseen).
 */
final class VerifiedBodyInputStream extends InputStream {
    /** Feeds the digest with what was read. */
    private interface Update {
        void update(byte[] b, int off, int len);
    }

    private final InputStream in;
    private final Update update;
    /** The error the digest's final value makes, null when it matches. */
    private final Supplier<S3Exception> mismatch;
    private boolean checked;

    private VerifiedBodyInputStream(InputStream in, Update update, Supplier<S3Exception> mismatch) {
        this.in = in;
        this.update = update;
        this.mismatch = mismatch;
    }

    /** Whether a declared x-amz-content-sha256 is a hash (not UNSIGNED-PAYLOAD nor a STREAMING-… mode). */
    static boolean isHash(String declared) {
        return declared != null && declared.length() == 64 && declared.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    /** The body checked against the SHA-256 the request declared (hex) in x-amz-content-sha256. */
    static InputStream sha256(InputStream in, String expectedHex, String resource) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String expected = expectedHex.toLowerCase(Locale.ROOT);
        return new VerifiedBodyInputStream(in, digest::update, () -> HexFormat.of().formatHex(digest.digest()).equals(expected)
                ? null : new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.", resource));
    }

    /** The body checked against an {@code x-amz-checksum-<algorithm>} value. */
    static InputStream checksum(InputStream in, ChecksumAlgorithm algorithm, String expected, String resource) {
        ChecksumAlgorithm.Running running = algorithm.start();
        return new VerifiedBodyInputStream(in, running::update, () -> running.value().equals(expected) ? null
                : new S3Exception(S3ErrorCode.BadDigest, "The " + algorithm.name() + " you specified did not match the calculated checksum",
                        resource));
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
                S3Exception error = mismatch.get();
                if (error != null) {
                    throw new S3ProtocolException(error);
                }
            }
            return -1;
        }
        update.update(b, off, n);
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
