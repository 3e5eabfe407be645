package dev.conveyor.artifacts;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes content through while computing its sha256, and fails the read that reaches the end when the digest (or,
 * when known, the length) is not what was recorded: corrupted content is never taken for good. When the length is
 * known, the check runs as soon as the last byte is read, before that read returns, so a reader never gets to the
 * end of corrupted content (an HTTP response streaming it stops short of its Content-Length rather than completing).
 * Skips read the skipped bytes, so they are verified too.
 */
public final class Sha256VerifyingInputStream extends FilterInputStream {
    private static final int BUFFER = 256 * 1024;

    private final MessageDigest digest;
    private final String expectedSha256;
    private final long expectedSize;
    private final String what;
    private long read;
    /** How many bytes had been read when the digest was checked, or -1 before. */
    private long checkedAt = -1;
    private IOException failure;

    /**
     * @param expectedSize the recorded length, or -1 when only the digest is known
     * @param what         what is being read, for the error message (e.g. "artifact s3://b/k")
     */
    public Sha256VerifyingInputStream(InputStream in, String expectedSha256, long expectedSize, String what) {
        super(in);
        this.expectedSha256 = expectedSha256;
        this.expectedSize = expectedSize;
        this.what = what;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
            check();
            return -1;
        }
        digest.update(b, off, n);
        read += n;
        if (expectedSize >= 0 && read >= expectedSize) {
            check(); // before the last bytes are handed over
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void check() throws IOException {
        if (failure == null && checkedAt != read) {
            if (checkedAt >= 0) {
                failure = new IOException(what + " is longer than its recorded " + expectedSize + " bytes: it is corrupted");
            } else {
                checkedAt = read;
                String actual = HexFormat.of().formatHex(digest.digest());
                if ((expectedSize >= 0 && read != expectedSize) || !actual.equals(expectedSha256)) {
                    failure = new IOException(what + " does not match its recorded sha256 " + expectedSha256 + " (read " + read
                            + " bytes with sha256 " + actual + "): it is corrupted");
                }
            }
        }
        if (failure != null) {
            throw failure; // every later read fails too
        }
    }
}
