package dev.conveyor.server.codepipeline;

import dev.conveyor.model.errors.InvalidTagsException;
import dev.conveyor.model.errors.TooManyTagsException;
import dev.conveyor.model.pipeline.Tag;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules for tags given in a request, checked before anything is written. */
final class TagRules {
    private TagRules() {
    }

    static void check(List<Tag> tags, int maxTags, String path) {
        if (tags.size() > maxTags) {
            throw new TooManyTagsException("Tag limit exceeded: at most " + maxTags + " tags per resource, got " + tags.size(), path);
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String key = tags.get(i).key();
            checkKey(key, path + "[" + i + "].key");
            if (!keys.add(key)) {
                throw new InvalidTagsException("Duplicate tag key '" + key + "' at " + path + "[" + i + "].key", path + "[" + i + "].key");
            }
        }
    }

    static void checkKey(String key, String path) {
        if (key.regionMatches(true, 0, "aws:", 0, 4)) {
            throw new InvalidTagsException("Not allowed to modify system tags. System tags start with 'aws:' (" + path + ")", path);
        }
    }
}
