package dev.conveyor.artifacts.object;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Key bounds in S3's order (bytes of UTF-8, unsigned), for listings: the first key after another, the end of a
 * prefix's keys, and continuation tokens that carry a bound between pages.
 */
public final class KeyRanges {
    private KeyRanges() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The smallest key greater than {@code key}. */
    public static byte[] after(String key) {
        byte[] bytes = utf8(key);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** The smallest byte string greater than every key starting with {@code prefix}; null when there is none. */
    public static byte[] prefixEnd(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return null;
        }
        byte[] bytes = utf8(prefix);
        for (int i = bytes.length - 1; i >= 0; i--) {
            if ((bytes[i] & 0xff) != 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /** The larger of two lower bounds (null is no bound). */
    public static byte[] max(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    public static String token(byte[] from) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(from);
    }

    public static byte[] fromToken(String token, String bucket) {
        try {
            return Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect", bucket);
        }
    }
}
