package dev.conveyor.providers.codebuild;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Buildspec file patterns, as CodeBuild matches them. */
class PathGlobTest {
    @Test
    void doubleStarSpansDirectoriesIncludingNone() {
        PathGlob all = PathGlob.of("**/*");
        assertThat(all.matches("app.jar")).isTrue();
        assertThat(all.matches("lib/a/b.jar")).isTrue();
        PathGlob under = PathGlob.of("target/**/*.jar");
        assertThat(under.matches("target/app.jar")).isTrue();
        assertThat(under.matches("target/lib/dep.jar")).isTrue();
        assertThat(under.matches("other/app.jar")).isFalse();
    }

    @Test
    void singleStarAndQuestionMarkStayInOneDirectory() {
        assertThat(PathGlob.of("*.jar").matches("app.jar")).isTrue();
        assertThat(PathGlob.of("*.jar").matches("lib/app.jar")).isFalse();
        assertThat(PathGlob.of("./app-?.txt").matches("app-1.txt")).isTrue();
        assertThat(PathGlob.of("{a,b}/*.[ch]").matches("b/x.h")).isTrue();
        assertThat(PathGlob.of("[!x]*.txt").matches("x1.txt")).isFalse();
        assertThat(PathGlob.of("dist/app.js").literal()).isTrue();
        assertThat(PathGlob.of("a+b (1).txt").matches("a+b (1).txt")).isTrue();
    }
}
