package dev.conveyor.store.codebuild;

/** Paging arithmetic for CodeBuild's list calls, whose page tokens are plain offsets into a stable ordering. */
final class Paging {
    private Paging() {
    }

    /** The offset a page token stands for; a missing or unreadable token starts at the beginning. */
    static int offset(String pageKey) {
        if (pageKey == null || pageKey.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(pageKey));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String direction(boolean ascending) {
        return ascending ? "ASC" : "DESC";
    }
}
