package dev.conveyor.server.auth;

import java.security.MessageDigest;

/**
 * Where SigV4's canonical request is written: into a {@link StringBuilder} (what tests read), or straight into the SHA-256
 * that signing needs ({@link #sha256()}). Hashing while writing saves the request's two largest allocations of
 * signature verification (issue 20): a builder sized for the longest canonical request and its UTF-8 copy.
 */
abstract sealed class CanonicalText permits CanonicalText.Chars, CanonicalText.Sha256 {
    abstract CanonicalText append(char ch);

    CanonicalText append(String text) {
        for (int i = 0; i < text.length(); i++) {
            append(text.charAt(i));
        }
        return this;
    }

    static CanonicalText chars(StringBuilder out) {
        return new Chars(out);
    }

    static Sha256 sha256() {
        return new Sha256();
    }

    static final class Chars extends CanonicalText {
        private final StringBuilder out;

        private Chars(StringBuilder out) {
            this.out = out;
        }

        @Override
        CanonicalText append(char ch) {
            out.append(ch);
            return this;
        }

        @Override
        CanonicalText append(String text) {
            out.append(text);
            return this;
        }
    }

    /**
     * The SHA-256 of the text as UTF-8, encoded through a small buffer: the same bytes as
     * {@code text.getBytes(UTF_8)} (an unpaired surrogate as '?', as String's encoder writes it).
     */
    static final class Sha256 extends CanonicalText {
        private final MessageDigest digest = Digests.sha256();
        private final byte[] buffer = new byte[256];
        private int used;
        private char highSurrogate;

        private Sha256() {
        }

        @Override
        CanonicalText append(char ch) {
            if (highSurrogate != 0) {
                char high = highSurrogate;
                highSurrogate = 0;
                if (Character.isLowSurrogate(ch)) {
                    int codePoint = Character.toCodePoint(high, ch);
                    put(0xF0 | codePoint >> 18);
                    put(0x80 | codePoint >> 12 & 0x3F);
                    put(0x80 | codePoint >> 6 & 0x3F);
                    put(0x80 | codePoint & 0x3F);
                    return this;
                }
                put('?');
            }
            if (ch < 0x80) {
                put(ch);
            } else if (ch < 0x800) {
                put(0xC0 | ch >> 6);
                put(0x80 | ch & 0x3F);
            } else if (Character.isHighSurrogate(ch)) {
                highSurrogate = ch;
            } else if (Character.isLowSurrogate(ch)) {
                put('?');
            } else {
                put(0xE0 | ch >> 12);
                put(0x80 | ch >> 6 & 0x3F);
                put(0x80 | ch & 0x3F);
            }
            return this;
        }

        private void put(int b) {
            if (used == buffer.length) {
                digest.update(buffer, 0, used);
                used = 0;
            }
            buffer[used++] = (byte) b;
        }

        /** The digest of everything appended; this text is done with. */
        byte[] digest() {
            if (highSurrogate != 0) {
                highSurrogate = 0;
                put('?');
            }
            digest.update(buffer, 0, used);
            used = 0;
            return digest.digest();
        }
    }
}
