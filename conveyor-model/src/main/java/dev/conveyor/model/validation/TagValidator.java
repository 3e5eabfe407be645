package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidTagsException;
import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.pipeline.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the tags of CreatePipeline, CreateCustomActionType and TagResource beyond the model's per-member
 * constraints: at most {@link PipelineLimits#maxTagsPerResource()} tags ({@code TooManyTagsException}), unique
 * keys, and no key in the {@code aws:} prefix AWS reserves for itself ({@code InvalidTagsException}). Paths start
 * at {@code tags}, the request member.
 */
public final class TagValidator {
    private static final String RESERVED_PREFIX = "aws:";

    private final PipelineLimits limits;

    public TagValidator(PipelineLimits limits) {
        this.limits = limits;
    }

    /** Every violation; none for null (tags are optional). */
    public List<Violation> validate(List<Tag> tags) {
        List<Violation> out = new ArrayList<>();
        if (tags == null) {
            return out;
        }
        if (tags.size() > limits.maxTagsPerResource()) {
            out.add(new Violation(TooManyTagsException.class, "tags",
                    "A resource can have at most %d tags; the request has %d."
                            .formatted(limits.maxTagsPerResource(), tags.size())));
        }
        Set<String> keys = new HashSet<>();
        for (int t = 0; t < tags.size(); t++) {
            Tag tag = tags.get(t);
            if (tag == null || tag.key() == null) {
                continue;
            }
            String path = "tags[" + t + "].key";
            checkReserved(tag.key(), path, out);
            if (!keys.add(tag.key())) {
                out.add(new Violation(InvalidTagsException.class, path,
                        "Tag keys must be unique; '%s' appears more than once.".formatted(tag.key())));
            }
        }
        return out;
    }

    /** Violations for the keys of UntagResource: system tags ({@code aws:}) cannot be removed either. */
    public List<Violation> validateKeys(List<String> tagKeys) {
        List<Violation> out = new ArrayList<>();
        for (int k = 0; k < tagKeys.size(); k++) {
            checkReserved(tagKeys.get(k), "tagKeys[" + k + "]", out);
        }
        return out;
    }

    private static void checkReserved(String key, String path, List<Violation> out) {
        if (key.toLowerCase(java.util.Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            out.add(new Violation(InvalidTagsException.class, path,
                    "Tag key '%s' uses the reserved prefix 'aws:'.".formatted(key)));
        }
    }
}
