package dev.conveyor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shell-aware resolution of references in commands, checked with real bash: for every place a reference can
 * stand and every hostile value, the rewritten command prints exactly what the author meant with the value as
 * data, and nothing the value says is run.
 */
class ShellCommandResolverTest {
    /** A file that a value tries to create; it must never exist. */
    private static final String MARK = "injected-mark";

    @TempDir
    Path dir;

    /** A place a reference stands: the command, and what it must print for a value. */
    private record Place(String name, String command, UnaryOperator<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Place> PLACES = List.of(
            new Place("bare word", "printf '%s' #{variables.V}", v -> v),
            new Place("inside a bare word", "printf '%s' x#{variables.V}y", v -> "x" + v + "y"),
            new Place("single quotes", "printf '%s' 'quoted=#{variables.V}'", v -> "quoted=" + v),
            new Place("double quotes", "printf '%s' \"dq=#{variables.V}\"", v -> "dq=" + v),
            new Place("ANSI-C quotes", "printf '%s' $'ansi\\t#{variables.V}'", v -> "ansi\t" + v),
            new Place("three forms as separate words", "printf '%s|' #{variables.V} \"#{variables.V}\" '#{variables.V}'",
                    v -> v + "|" + v + "|" + v + "|"),
            new Place("command substitution", "printf '%s' \"$(printf '%s.' '#{variables.V}')\"", v -> v + "."),
            new Place("bare in command substitution", "printf '%s' \"$(printf '%s.' #{variables.V})\"", v -> v + "."),
            new Place("backticks", "printf '%s' \"`printf '%s.' #{variables.V}`\"", v -> v + "."),
            new Place("parameter default", "printf '%s' \"${CONVEYOR_TEST_UNSET:-#{variables.V}}\"", v -> v),
            new Place("assignment prefix", "V='#{variables.V}' bash -c 'printf %s \"$V\"'", v -> v),
            new Place("here-document", "cat <<EOF\nhd=#{variables.V}\nEOF", v -> "hd=" + v + "\n"),
            new Place("tab-stripped here-document", "cat <<-EOF\n\thd=#{variables.V}\n\tEOF", v -> "hd=" + v + "\n"),
            new Place("double quotes in command substitution in double quotes",
                    "printf '%s' \"$(printf '%s.' \"<#{variables.V}>\")\"", v -> "<" + v + ">."),
            new Place("escaped in code", "printf '%s' \\#{variables.V}", v -> v),
            new Place("escaped in double quotes", "printf '%s' \"\\#{variables.V}\"", v -> "\\" + v),
            new Place("comment", "printf '%s' ok # it's #{variables.V}\nprintf '%s' '#{variables.V}'", v -> "ok" + v),
            new Place("demo pipeline's test", "GREETING='#{variables.V}' bash -c 'printf \"%s, Conveyor!\" \"$GREETING\"'",
                    v -> v + ", Conveyor!"));

    private static final List<String> HOSTILE = List.of(
            "'; touch " + MARK + "; echo '",
            "\"; touch " + MARK + "; echo \"",
            "$(touch " + MARK + ")",
            "`touch " + MARK + "`",
            "a\nb; touch " + MARK + "\n",
            "line\nEOF\ntouch " + MARK,
            ")\ntouch " + MARK + "\n(",
            "'\"$'\\''\"'",
            "\\",
            "\\'",
            "${HOME} $HOME",
            "*",
            "  spaced   words  ",
            "",
            "-n",
            "héllo ✓ !$#@%^&*()[]{}<>|;~",
            "}",
            "EOF");

    static Stream<Arguments> placesAndValues() {
        List<Arguments> cases = new ArrayList<>();
        for (Place place : PLACES) {
            for (String value : HOSTILE) {
                cases.add(Arguments.of(place, value));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("placesAndValues")
    void aValuePrintsExactlyAsItIsAndNothingInItRuns(Place place, String value) throws Exception {
        ShellCommandResolver.Resolution resolution = resolver(Map.of("V", value)).resolve(List.of(place.command()));

        assertThat(resolution.ok()).as(resolution.problems().toString()).isTrue();
        assertThat(String.join("\n", resolution.commands())).doesNotContain(MARK);
        assertThat(bash(resolution)).isEqualTo(place.expected().apply(value));
        assertThat(dir.resolve(MARK)).doesNotExist();
    }

    @Test
    void eachDistinctReferenceGetsOneVariableWhereverItStands() {
        ShellCommandResolver.Resolution resolution = resolver(Map.of("A", "1", "B", "2"))
                .resolve(List.of("echo #{variables.A} '#{variables.B}'", "echo \"#{variables.A}\""));

        assertThat(resolution.environment()).containsExactly(Map.entry("CONVEYOR_VAR_1", "1"), Map.entry("CONVEYOR_VAR_2", "2"));
        assertThat(resolution.commands()).containsExactly("echo \"${CONVEYOR_VAR_1}\" ''\"${CONVEYOR_VAR_2}\"''",
                "echo \"${CONVEYOR_VAR_1}\"");
    }

    @Test
    void commandsWithoutReferencesAreLeftAsTheyAre() {
        List<String> commands = List.of("echo 'it''s' \"$HOME\" # done", "cat <<'EOF'\n$x\nEOF");
        ShellCommandResolver.Resolution resolution = resolver(Map.of()).resolve(commands);

        assertThat(resolution.commands()).isEqualTo(commands);
        assertThat(resolution.environment()).isEmpty();
    }

    @Test
    void aValueWithNulIsAProblemNamingTheVariableNotAShortenedValue() {
        ShellCommandResolver.Resolution resolution = resolver(Map.of("V", "before\0after")).resolve(List.of("echo '#{variables.V}'"));

        assertThat(resolution.ok()).isFalse();
        assertThat(resolution.problems()).singleElement().asString().contains("#{variables.V}").contains("NUL");
        assertThat(resolution.environment()).isEmpty();
    }

    @Test
    void unresolvableReferencesAreNamed() {
        ShellCommandResolver.Resolution resolution = resolver(Map.of()).resolve(List.of("echo #{variables.MISSING} #{Nowhere.X}"));

        assertThat(resolution.unresolved()).containsExactly("#{variables.MISSING}", "#{Nowhere.X}");
    }

    @Test
    void arithmeticTakesIntegersAndRefusesAnythingElse() throws Exception {
        ShellCommandResolver.Resolution number = resolver(Map.of("N", "41"))
                .resolve(List.of("printf '%s' $(( #{variables.N} + 1 ))"));
        assertThat(number.ok()).isTrue();
        assertThat(bash(number)).isEqualTo("42");

        ShellCommandResolver.Resolution subscript = resolver(Map.of("N", "a[$(touch " + MARK + ")]"))
                .resolve(List.of("(( #{variables.N} > 1 ))"));
        assertThat(subscript.problems()).singleElement().asString().contains("#{variables.N}").contains("integer");
    }

    @Test
    void aQuotedHereDocumentCannotCarryAValueAndSaysSo() {
        ShellCommandResolver.Resolution resolution = resolver(Map.of("V", "x"))
                .resolve(List.of("cat <<'EOF'\n#{variables.V}\nEOF"));

        assertThat(resolution.problems()).singleElement().asString().contains("#{variables.V}").contains("quoted here-document");
    }

    private static ShellCommandResolver resolver(Map<String, String> variables) {
        return new ShellCommandResolver(new VariableResolver(Map.of("variables", variables)));
    }

    /** Runs the rewritten commands in one bash, as the Commands action does, and returns what they print. */
    private String bash(ShellCommandResolver.Resolution resolution) throws IOException, InterruptedException {
        Path script = dir.resolve("commands.sh");
        Files.writeString(script, String.join("\n", resolution.commands()) + "\n", StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(resolution.environment());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code").isZero();
        return new String(output, StandardCharsets.UTF_8);
    }
}
