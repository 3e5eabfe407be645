package dev.conveyor.server.s3;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The additional checksums S3 clients send ({@code x-amz-checksum-*} headers or aws-chunked trailers): recent
 * AWS SDKs and CLIs send CRC32 or CRC64NVME by default. Values are base64 of the big-endian checksum or digest.
 */
enum ChecksumAlgorithm {
    CRC32, CRC32C, CRC64NVME, SHA1, SHA256;

    /** The header (or trailer) name carrying this checksum. */
    String header() {
        return "x-amz-checksum-" + name().toLowerCase(Locale.ROOT);
    }

    static ChecksumAlgorithm fromHeader(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (ChecksumAlgorithm a : values()) {
            if (a.header().equals(n)) {
                return a;
            }
        }
        return null;
    }

    /** A checksum being computed. */
    Running start() {
        return switch (this) {
            case CRC32 -> new OfChecksum(new CRC32(), 4);
            case CRC32C -> new OfChecksum(new CRC32C(), 4);
            case CRC64NVME -> new OfChecksum(new Crc64Nvme(), 8);
            case SHA1 -> new OfDigest("SHA-1");
            case SHA256 -> new OfDigest("SHA-256");
        };
    }

    /** A running checksum. */
    interface Running {
        void update(byte[] b, int off, int len);

        /** The base64 value of what was seen. */
        String value();
    }

    private record OfChecksum(Checksum checksum, int bytes) implements Running {
        @Override
        public void update(byte[] b, int off, int len) {
            checksum.update(b, off, len);
        }

        @Override
        public String value() {
            ByteBuffer buffer = ByteBuffer.allocate(8).putLong(checksum.getValue());
            byte[] out = new byte[bytes];
            System.arraycopy(buffer.array(), 8 - bytes, out, 0, bytes);
            return Base64.getEncoder().encodeToString(out);
        }
    }

    private static final class OfDigest implements Running {
        private final MessageDigest digest;

        OfDigest(String algorithm) {
            try {
                digest = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void update(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }

        @Override
        public String value() {
            return Base64.getEncoder().encodeToString(digest.digest());
        }
    }

    /** CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), slicing by eight bytes at a time. */
    static final class Crc64Nvme implements Checksum {
        private static final long POLY = 0x9A6C9329AC4BC9B5L;
        private static final long[][] TABLES = new long[8][256];
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        static {
            for (int i = 0; i < 256; i++) {
                long crc = i;
                for (int k = 0; k < 8; k++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
                }
                TABLES[0][i] = crc;
            }
            for (int i = 0; i < 256; i++) {
                for (int t = 1; t < 8; t++) {
                    long previous = TABLES[t - 1][i];
                    TABLES[t][i] = (previous >>> 8) ^ TABLES[0][(int) (previous & 0xff)];
                }
            }
        }

        private long crc = ~0L;

        @Override
        public void update(int b) {
            crc = TABLES[0][(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
        }

        @Override
        public void update(byte[] b, int off, int len) {
            long c = crc;
            long[] t0 = TABLES[0];
            long[] t1 = TABLES[1];
            long[] t2 = TABLES[2];
            long[] t3 = TABLES[3];
            long[] t4 = TABLES[4];
            long[] t5 = TABLES[5];
            long[] t6 = TABLES[6];
            long[] t7 = TABLES[7];
            while (len >= 8) {
                c ^= (long) LONGS.get(b, off);
                c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)] ^ t4[(int) ((c >>> 24) & 0xff)]
                        ^ t3[(int) ((c >>> 32) & 0xff)] ^ t2[(int) ((c >>> 40) & 0xff)] ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
                off += 8;
                len -= 8;
            }
            while (len-- > 0) {
                c = t0[(int) ((c ^ b[off++]) & 0xff)] ^ (c >>> 8);
            }
            crc = c;
        }

        @Override
        public long getValue() {
            return ~crc;
        }

        @Override
        public void reset() {
            crc = ~0L;
        }
    }
}
