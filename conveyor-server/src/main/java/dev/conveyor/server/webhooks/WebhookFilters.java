package dev.conveyor.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.conveyor.model.json.ConveyorJson;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook's filter rules: each rule's JSONPath selects a value of the delivery's body, which must equal the
 * rule's matchEquals (or merely exist when it has none). matchEquals may name configuration properties of the
 * target action in braces: {@code refs/heads/{Branch}} with Branch = main is {@code refs/heads/main}. A path that
 * selects several values matches when one of them does.
 */
public final class WebhookFilters {
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(ConveyorJson.mapper()))
            .mappingProvider(new JacksonMappingProvider(ConveyorJson.mapper()))
            .options(Option.SUPPRESS_EXCEPTIONS).build();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)\\}");

    private WebhookFilters() {
    }

    /** A filter rule: a JSONPath and the value it must select (null: it must select something). */
    public record Rule(String jsonPath, String matchEquals) {
    }

    /** Null when the path compiles, else why not. */
    public static String invalidPath(String jsonPath) {
        try {
            JsonPath.compile(jsonPath);
            return null;
        } catch (InvalidPathException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The first rule the body fails (described), or null when it passes all. */
    public static String failedRule(Iterable<Rule> rules, JsonNode body, Map<String, String> actionConfiguration) {
        for (Rule rule : rules) {
            Object selected = JsonPath.using(JSON_PATH).parse(body).read(rule.jsonPath());
            JsonNode value = selected instanceof JsonNode node ? node : selected == null ? null : ConveyorJson.mapper().valueToTree(selected);
            String expected = rule.matchEquals() == null ? null : expand(rule.matchEquals(), actionConfiguration);
            if (!matches(value, expected)) {
                return rule.jsonPath() + (expected == null ? " selects nothing" : " is not '" + expected + "'");
            }
        }
        return null;
    }

    static String expand(String template, Map<String, String> configuration) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = configuration.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean matches(JsonNode value, String expected) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (value.isArray()) {
            if (expected == null) {
                return !value.isEmpty();
            }
            for (JsonNode element : value) {
                if (!element.isContainerNode() && expected.equals(element.asText())) {
                    return true;
                }
            }
            return false;
        }
        return expected == null || (!value.isContainerNode() && expected.equals(value.asText()));
    }
}
