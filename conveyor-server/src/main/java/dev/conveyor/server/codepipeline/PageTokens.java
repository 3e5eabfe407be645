package dev.conveyor.server.codepipeline;

import dev.conveyor.model.errors.InvalidNextTokenException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque nextToken values: the key to continue after, tagged with what is being listed so a token from one list
 * is refused by another.
 */
public final class PageTokens {
    private PageTokens() {
    }

    public static String encode(String listing, String afterKey) {
        if (afterKey == null) {
            return null;
        }
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((listing + "\n" + afterKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key encoded in {@code token}, or null when there is no token. */
    public static String decode(String listing, String token) {
        if (token == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(listing + "\n")) {
                return decoded.substring(listing.length() + 1);
            }
        } catch (IllegalArgumentException ignored) {
            // not base64: refused below
        }
        throw new InvalidNextTokenException("The next token is not valid", "nextToken");
    }
}
