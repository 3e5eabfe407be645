package dev.conveyor.artifacts.object;

/**
 * An HTTP byte range as asked ({@code bytes=first-last}, {@code bytes=first-}, {@code bytes=-suffix}), resolved
 * against an object's size by {@link #resolve}.
 */
public record ByteRange(Long first, Long last, Long suffixLength) {
    /** Parses a Range header; null when absent or not a single byte range (S3 then serves the whole object). */
    public static ByteRange parse(String header) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                return b.isEmpty() ? null : new ByteRange(null, null, Long.parseLong(b));
            }
            long first = Long.parseLong(a);
            Long last = b.isEmpty() ? null : Long.parseLong(b);
            if (last != null && last < first) {
                return null;
            }
            return new ByteRange(first, last, null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The {@code [start, end]} (inclusive) this range selects of an object of {@code size} bytes.
     *
     * @throws S3Exception InvalidRange when it selects nothing
     */
    public long[] resolve(long size, String resource) {
        long start;
        long end;
        if (suffixLength != null) {
            if (suffixLength == 0 || size == 0) {
                throw invalid(size, resource);
            }
            start = Math.max(0, size - suffixLength);
            end = size - 1;
        } else {
            if (first >= size) {
                throw invalid(size, resource);
            }
            start = first;
            end = last == null ? size - 1 : Math.min(last, size - 1);
        }
        return new long[] {start, end};
    }

    private static S3Exception invalid(long size, String resource) {
        return new S3Exception(S3ErrorCode.InvalidRange, "The requested range is not satisfiable (object size " + size + ")", resource);
    }
}
