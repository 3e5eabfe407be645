package dev.conveyor.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IAM's globbing: {@code *} any run, {@code ?} one character, nothing else special; ARNs segment by segment. */
class WildcardsTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "*|anything|true", "*|''|true", "a*|a|true", "a*b|ab|true", "a*b|axxb|true", "a*b|axxbc|false", "a?c|abc|true",
            "a?c|ac|false", "*a*b*c*|xaybzc|true", "*a*b*c*|xcybza|false", "a**b|ab|true", "a.b|axb|false", "a[b]|a[b]|true",
            "a*a*a*a*a*b|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|false"})
    void globs(String pattern, String value, boolean matches) {
        assertThat(Wildcards.matches(pattern, value, false)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "arn:aws:s3:::bucket/*|arn:aws:s3:::bucket/a/b/c|true",
            "arn:aws:s3:::bucket/*|arn:aws:s3:::bucket|false",
            "arn:aws:codepipeline:*:000000000000:p|arn:aws:codepipeline:eu-west-1:000000000000:p|true",
            "arn:aws:codepipeline:us-*:*:*|arn:aws:codepipeline:eu-west-1:000000000000:p|false",
            "arn:aws:codepipeline:us-east-1:000000000000:*|arn:aws:codepipeline:us-east-1:000000000000:p/Stage/Action|true",
            "arn:aws:codepipeline:us-east-1:000000000000:actiontype:*|arn:aws:codepipeline:us-east-1:000000000000:actiontype:Custom/Build/X/1|true",
            "arn:aws:*:us-east-1:000000000000:*|arn:aws:codebuild:us-east-1:000000000000:project/x|true",
            "*|arn:aws:iam::000000000000:user/x|true"})
    void matchesArnsSegmentBySegment(String pattern, String arn, boolean matches) {
        assertThat(Wildcards.matchesArn(pattern, arn)).isEqualTo(matches);
    }
}
