package dev.conveyor.iam.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * IAM's Marker/MaxItems paging over a list sorted by a unique key: the marker is the last key of the previous page
 * (base64, so clients treat it as opaque); at most {@code maxItems} (default 100) per page.
 */
record Pages<T>(List<T> items, boolean truncated, String marker) {
    static <T> Pages<T> of(List<T> sorted, Function<T, String> key, String marker, Integer maxItems) {
        int max = maxItems == null ? 100 : maxItems;
        List<T> rest = sorted;
        if (marker != null) {
            String after;
            try {
                after = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Params.invalid("Marker", marker, "Member must be a marker from a previous response");
            }
            rest = sorted.stream().filter(t -> key.apply(t).compareTo(after) > 0).toList();
        }
        if (rest.size() <= max) {
            return new Pages<>(rest, false, null);
        }
        List<T> page = rest.subList(0, max);
        return new Pages<>(page, true, Base64.getUrlEncoder().withoutPadding().encodeToString(
                key.apply(page.getLast()).getBytes(StandardCharsets.UTF_8)));
    }

    void writeTail(Xml xml) {
        xml.element("IsTruncated", truncated);
        xml.element("Marker", marker);
    }
}
