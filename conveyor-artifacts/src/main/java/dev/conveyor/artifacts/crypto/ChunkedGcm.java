package dev.conveyor.artifacts.crypto;

import dev.conveyor.artifacts.ChunkedInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over a stream in fixed-size chunks, so that objects of any size are encrypted and decrypted while
 * they stream and a range can be read by decrypting only the chunks it covers.
 *
 * <p>Format: a 16-byte header ({@code "CVYE"}, format 1, log2 of the chunk size, two reserved bytes, an 8-byte
 * random nonce prefix), then the chunks, each {@code min(chunkSize, rest)} plaintext bytes encrypted with the
 * 12-byte nonce {@code prefix || chunkIndex} (the index's top bit marks the last chunk, so truncation and
 * reordering are detected) and the header as additional data, followed by its 16-byte tag. Empty content is one
 * empty last chunk. The random prefix lets one data key encrypt several segments (the parts of an upload).
 */
public final class ChunkedGcm {
    public static final int HEADER_BYTES = 16;
    public static final int TAG_BYTES = 16;
    public static final int CHUNK_SHIFT = 18;
    public static final int CHUNK_BYTES = 1 << CHUNK_SHIFT;
    private static final byte[] MAGIC = {'C', 'V', 'Y', 'E'};
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        GcmWarmUp.start();
    }

    private ChunkedGcm() {
    }

    /** The stored size of {@code plainSize} bytes of plaintext. */
    public static long storedSize(long plainSize) {
        return HEADER_BYTES + plainSize + chunks(plainSize) * (long) TAG_BYTES;
    }

    /** How many chunks {@code plainSize} bytes take (at least one). */
    public static long chunks(long plainSize) {
        return Math.max(1, (plainSize + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /** Where chunk {@code index} starts in the stored form. */
    public static long chunkOffset(long index) {
        return HEADER_BYTES + index * (CHUNK_BYTES + (long) TAG_BYTES);
    }

    /** A stream that encrypts what is written to it into {@code sink}; closing it writes the last chunk and closes the sink. */
    public static OutputStream encrypt(OutputStream sink, byte[] dataKey) throws IOException {
        byte[] header = new byte[HEADER_BYTES];
        System.arraycopy(MAGIC, 0, header, 0, 4);
        header[4] = 1;
        header[5] = CHUNK_SHIFT;
        byte[] prefix = new byte[8];
        RANDOM.nextBytes(prefix);
        System.arraycopy(prefix, 0, header, 8, 8);
        sink.write(header);
        return new Encrypting(sink, new SecretKeySpec(dataKey, "AES"), header);
    }

    /**
     * The stored form of exactly {@code plainSize} bytes read from {@code plaintext}, as a stream to pull from (for
     * uploads to an external store). Fails with an IOException when the plaintext ends early.
     */
    public static InputStream encrypting(InputStream plaintext, byte[] dataKey, long plainSize) {
        byte[] header = new byte[HEADER_BYTES];
        System.arraycopy(MAGIC, 0, header, 0, 4);
        header[4] = 1;
        header[5] = CHUNK_SHIFT;
        byte[] prefix = new byte[8];
        RANDOM.nextBytes(prefix);
        System.arraycopy(prefix, 0, header, 8, 8);
        return new EncryptingSource(plaintext, new SecretKeySpec(dataKey, "AES"), header, plainSize);
    }

    /**
     * Decrypts the stored form of {@code plainSize} bytes, read from {@code source} positioned at the start of the
     * header (the header is read first). Reading fails with an IOException when anything was altered or cut.
     */
    public static InputStream decrypt(InputStream source, byte[] dataKey, long plainSize) throws IOException {
        byte[] header = source.readNBytes(HEADER_BYTES);
        checkHeader(header);
        return new Decrypting(source, new SecretKeySpec(dataKey, "AES"), header, plainSize, 0);
    }

    /**
     * Decrypts from chunk {@code firstChunk} on: {@code header} is the stored form's first 16 bytes and
     * {@code source} is positioned at {@link #chunkOffset(long) chunkOffset(firstChunk)}.
     */
    public static InputStream decryptFrom(byte[] header, InputStream source, byte[] dataKey, long plainSize, long firstChunk)
            throws IOException {
        checkHeader(header);
        return new Decrypting(source, new SecretKeySpec(dataKey, "AES"), header, plainSize, firstChunk);
    }

    private static void checkHeader(byte[] header) throws IOException {
        if (header.length != HEADER_BYTES || header[0] != 'C' || header[1] != 'V' || header[2] != 'Y' || header[3] != 'E'
                || header[4] != 1 || header[5] != CHUNK_SHIFT) {
            throw new IOException("not an encrypted blob of a known format");
        }
    }

    private static byte[] nonce(byte[] header, long index, boolean last) {
        byte[] nonce = new byte[12];
        System.arraycopy(header, 8, nonce, 0, 8);
        int counter = (int) index | (last ? 0x80000000 : 0);
        ByteBuffer.wrap(nonce, 8, 4).putInt(counter);
        return nonce;
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] header, long index, boolean last) throws IOException {
        if (index >= 0x80000000L) {
            throw new IOException("content too large for one encrypted segment");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(header, index, last)));
            cipher.updateAAD(header);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available", e);
        }
    }

    private static final class Encrypting extends FilterOutputStream {
        private final SecretKeySpec key;
        private final byte[] header;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private final byte[] output = new byte[CHUNK_BYTES + TAG_BYTES];
        private int filled;
        private long index;
        private boolean closed;

        Encrypting(OutputStream sink, SecretKeySpec key, byte[] header) {
            super(sink);
            this.key = key;
            this.header = header;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == CHUNK_BYTES) {
                    flushChunk(false); // more content follows, so the full chunk is not the last one
                }
                int n = Math.min(len, CHUNK_BYTES - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void flushChunk(boolean last) throws IOException {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, header, index++, last);
            try {
                int n = cipher.doFinal(buffer, 0, filled, output, 0);
                out.write(output, 0, n);
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed", e);
            }
            filled = 0;
        }

        @Override
        public void flush() {
            // chunks are written when full; flushing a partial chunk would change the format
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                flushChunk(true);
            } finally {
                out.close();
            }
        }
    }

    private static final class EncryptingSource extends ChunkedInputStream {
        private final InputStream plaintext;
        private final SecretKeySpec key;
        private final byte[] header;
        private final long chunkCount;
        private final long plainSize;
        private final byte[] plain = new byte[CHUNK_BYTES];
        private long index;

        EncryptingSource(InputStream plaintext, SecretKeySpec key, byte[] header, long plainSize) {
            this.plaintext = plaintext;
            this.key = key;
            this.header = header;
            this.plainSize = plainSize;
            this.chunkCount = chunks(plainSize);
            serve(header.clone(), header.length);
        }

        @Override
        protected boolean fill() throws IOException {
            if (index >= chunkCount) {
                return false;
            }
            boolean last = index == chunkCount - 1;
            int length = last ? (int) (plainSize - index * CHUNK_BYTES) : CHUNK_BYTES;
            int read = plaintext.readNBytes(plain, 0, length);
            if (read != length) {
                throw new EOFException("the content ended after " + (index * CHUNK_BYTES + read) + " of " + plainSize + " bytes");
            }
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, header, index, last);
            byte[] encrypted;
            try {
                encrypted = cipher.doFinal(plain, 0, length);
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed", e);
            }
            serve(encrypted, encrypted.length);
            index++;
            return true;
        }

        @Override
        public void close() throws IOException {
            plaintext.close();
        }
    }

    private static final class Decrypting extends ChunkedInputStream {
        private final InputStream source;
        private final SecretKeySpec key;
        private final byte[] header;
        private final long chunkCount;
        private final long plainSize;
        private final byte[] stored = new byte[CHUNK_BYTES + TAG_BYTES];
        private final byte[] plain = new byte[CHUNK_BYTES];
        private long index;

        Decrypting(InputStream source, SecretKeySpec key, byte[] header, long plainSize, long firstChunk) {
            this.source = source;
            this.key = key;
            this.header = header;
            this.plainSize = plainSize;
            this.chunkCount = chunks(plainSize);
            this.index = firstChunk;
        }

        @Override
        protected boolean fill() throws IOException {
            if (index >= chunkCount) {
                return false;
            }
            boolean last = index == chunkCount - 1;
            int plainLength = last ? (int) (plainSize - index * CHUNK_BYTES) : CHUNK_BYTES;
            int storedLength = plainLength + TAG_BYTES;
            int read = source.readNBytes(stored, 0, storedLength);
            if (read != storedLength) {
                throw new EOFException("encrypted content is truncated at chunk " + index);
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, header, index, last);
            try {
                serve(plain, cipher.doFinal(stored, 0, storedLength, plain, 0));
            } catch (GeneralSecurityException e) {
                throw new IOException("encrypted content failed authentication at chunk " + index + " (altered or wrong key)", e);
            }
            index++;
            return true;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
