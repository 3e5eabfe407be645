package dev.conveyor.server.codebuild;

import dev.conveyor.model.errors.InvalidNextTokenException;
import dev.conveyor.server.codepipeline.PageTokens;

/** CodeBuild's nextToken values: opaque, tied to what is listed; a bad one is CodeBuild's InvalidInputException. */
final class Paging {
    static final int DEFAULT_PAGE = 100;

    private Paging() {
    }

    static String key(String listing, String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            return PageTokens.decode(listing, token);
        } catch (InvalidNextTokenException e) {
            throw new InvalidInputException("Invalid next token");
        }
    }

    static String token(String listing, String key) {
        return PageTokens.encode(listing, key);
    }

    static boolean ascending(String sortOrder, boolean byDefault) {
        return sortOrder == null ? byDefault : "ASCENDING".equals(sortOrder);
    }
}
