package dev.conveyor.model.actiontype;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills an action type's URL templates (the {@code entityUrlTemplate}, {@code executionUrlTemplate} and
 * {@code revisionUrlTemplate} of its settings) for one action, as CodePipeline does for the links it shows:
 * {@code {Config:Name}} becomes the action's configuration value {@code Name}, {@code {ExternalExecutionId}} the id
 * the job worker reported for the run.
 *
 * <p>A template is filled completely or not at all: when a placeholder has no value (a configuration key the action
 * leaves out, a secret property, a value that still holds an unresolved {@code #{…}} variable reference, no
 * external execution id yet, a placeholder name not listed above) there is no URL, never a half-filled link. Values
 * go in as they are, except that characters which cannot appear in a URL (spaces, quotes, non-ASCII…) are
 * percent-encoded; characters with a meaning in URLs ({@code /}, {@code ?}, {@code &}…) are kept, so a value such as
 * {@code my-org/my-repo} fills a path.
 */
public final class UrlTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final String CONFIG_PREFIX = "Config:";
    private static final String EXTERNAL_EXECUTION_ID = "ExternalExecutionId";

    private UrlTemplate() {
    }

    /**
     * The template filled in, or empty when the template is absent or one of its placeholders has no value.
     *
     * @param secret              whether a configuration key names a secret property, whose value never goes into
     *                            a URL
     * @param externalExecutionId the run's external id, or null before a worker reported one
     */
    public static Optional<String> fill(String template, Map<String, String> configuration, Predicate<String> secret,
                                        String externalExecutionId) {
        if (template == null) {
            return Optional.empty();
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder url = new StringBuilder();
        while (matcher.find()) {
            String value = valueOf(matcher.group(1), configuration, secret, externalExecutionId);
            if (value == null) {
                return Optional.empty();
            }
            matcher.appendReplacement(url, Matcher.quoteReplacement(encodeIllegal(value)));
        }
        matcher.appendTail(url);
        return Optional.of(url.toString());
    }

    private static String valueOf(String placeholder, Map<String, String> configuration, Predicate<String> secret,
                                  String externalExecutionId) {
        if (placeholder.equals(EXTERNAL_EXECUTION_ID)) {
            return blankToNull(externalExecutionId);
        }
        if (!placeholder.startsWith(CONFIG_PREFIX)) {
            return null;
        }
        String key = placeholder.substring(CONFIG_PREFIX.length());
        String value = configuration.get(key);
        if (value == null || secret.test(key) || value.contains("#{")) {
            return null;
        }
        return blankToNull(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Percent-encodes what RFC 3986 allows nowhere in a URL, and leaves every allowed character as it is. */
    private static String encodeIllegal(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && "\"<>\\^`{|}".indexOf(c) < 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
