package dev.conveyor.events.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventPatternTest {
    private static final String EVENT = """
            {"source": "aws.codepipeline", "detail-type": "CodePipeline Pipeline Execution State Change",
             "resources": ["arn:aws:codepipeline:us-east-1:000000000000:shop", "arn:other"],
             "detail": {"pipeline": "shop-release", "state": "FAILED", "version": 3.0, "attempt": 2, "tags": ["a", "b"], "none": null}}""";

    private static boolean matches(String pattern) {
        return EventPattern.parse(pattern).matches(EVENT);
    }

    @Test
    void exactValuesMatchAnyOfTheListedValuesAndEveryFieldMustMatch() {
        assertThat(matches("{\"source\": [\"aws.codepipeline\"]}")).isTrue();
        assertThat(matches("{\"source\": [\"aws.s3\", \"aws.codepipeline\"], \"detail\": {\"state\": [\"FAILED\"]}}")).isTrue();
        assertThat(matches("{\"source\": [\"aws.codepipeline\"], \"detail\": {\"state\": [\"SUCCEEDED\"]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"version\": [3]}}")).as("3 equals 3.0").isTrue();
        assertThat(matches("{\"detail\": {\"none\": [null]}}")).isTrue();
    }

    @Test
    void arrayFieldsMatchWhenAnyElementMatches() {
        assertThat(matches("{\"resources\": [\"arn:other\"]}")).isTrue();
        assertThat(matches("{\"detail\": {\"tags\": [\"b\"]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"tags\": [\"c\"]}}")).isFalse();
    }

    @Test
    void prefixAndSuffixMatchTheStartAndEndOfStrings() {
        assertThat(matches("{\"detail\": {\"pipeline\": [{\"prefix\": \"shop-\"}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"pipeline\": [{\"prefix\": \"blog-\"}]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"pipeline\": [{\"suffix\": \"-release\"}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"version\": [{\"prefix\": \"3\"}]}}")).as("numbers are not strings").isFalse();
    }

    @Test
    void anythingButExcludesAValueAListOrAPrefix() {
        assertThat(matches("{\"detail\": {\"state\": [{\"anything-but\": \"STARTED\"}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"state\": [{\"anything-but\": [\"STARTED\", \"FAILED\"]}]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"state\": [{\"anything-but\": {\"prefix\": \"FAIL\"}}]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"missing\": [{\"anything-but\": \"x\"}]}}")).as("needs the field").isFalse();
    }

    @Test
    void numericComparesWithOneOrTwoBounds() {
        assertThat(matches("{\"detail\": {\"attempt\": [{\"numeric\": [\">\", 1]}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"attempt\": [{\"numeric\": [\">\", 0, \"<=\", 2]}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"attempt\": [{\"numeric\": [\">=\", 3]}]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"attempt\": [{\"numeric\": [\"=\", 2]}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"pipeline\": [{\"numeric\": [\">\", 0]}]}}")).isFalse();
    }

    @Test
    void existsTestsWhetherAFieldIsThere() {
        assertThat(matches("{\"detail\": {\"state\": [{\"exists\": true}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"missing\": [{\"exists\": false}]}}")).isTrue();
        assertThat(matches("{\"detail\": {\"state\": [{\"exists\": false}]}}")).isFalse();
        assertThat(matches("{\"detail\": {\"missing\": [{\"exists\": true}]}}")).isFalse();
    }

    @Test
    void equalsIgnoreCaseMatchesRegardlessOfCase() {
        assertThat(matches("{\"detail\": {\"state\": [{\"equals-ignore-case\": \"failed\"}]}}")).isTrue();
    }

    @Test
    void malformedPatternsAreRefusedSayingWhere() {
        assertThatThrownBy(() -> EventPattern.parse("[1]")).isInstanceOf(InvalidEventPatternException.class);
        assertThatThrownBy(() -> EventPattern.parse("{\"source\": \"aws.s3\"}")).hasMessageContaining("at source");
        assertThatThrownBy(() -> EventPattern.parse("{\"detail\": {\"n\": [{\"numeric\": [\">>\", 1]}]}}")).hasMessageContaining("detail.n");
        assertThatThrownBy(() -> EventPattern.parse("{\"a\": [{\"wildcards\": \"x\"}]}")).hasMessageContaining("unrecognized match type wildcards");
        assertThatThrownBy(() -> EventPattern.parse("{\"a\": [{\"exists\": \"yes\"}]}")).isInstanceOf(InvalidEventPatternException.class);
        assertThatThrownBy(() -> EventPattern.parse("{\"a\": []}")).hasMessageContaining("empty array at a");
        assertThatThrownBy(() -> EventPattern.parse("not json")).hasMessageContaining("not valid JSON");
    }
}
