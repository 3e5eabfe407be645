package dev.conveyor.providers.codebuild.buildspec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.providers.codebuild.buildspec.Buildspec.OnFailure;
import dev.conveyor.providers.codebuild.buildspec.Buildspec.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Buildspecs as CodeBuild documents them, and the mistakes people make in them, reported by line. */
class BuildspecParserTest {
    private final List<String> warnings = new ArrayList<>();

    private Buildspec parse(String yaml) throws BuildspecException {
        return new BuildspecParser("buildspec.yml", warnings::add).parse(yaml);
    }

    private void refused(String yaml, int line, String reason) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(BuildspecException.class)
                .satisfies(e -> {
                    BuildspecException b = (BuildspecException) e;
                    assertThat(b.line()).as(b.getMessage()).isEqualTo(line);
                    assertThat(b.getMessage()).startsWith("buildspec.yml line " + line + ": ").contains(reason);
                });
    }

    @Test
    void readsEverySection() throws BuildspecException {
        Buildspec spec = parse("""
                version: 0.2
                env:
                  shell: bash
                  variables:
                    JAVA_HOME: /usr/lib/jvm/java-21
                    EMPTY:
                  parameter-store:
                    DB_PASSWORD: /prod/db/password
                  secrets-manager:
                    TOKEN: prod/token:api-key
                  exported-variables:
                    - VERSION
                phases:
                  install:
                    runtime-versions:
                      java: corretto21
                    commands:
                      - echo installing
                  build:
                    on-failure: CONTINUE
                    commands:
                      - |
                        echo one
                        echo two
                      - "echo 'quoted: fine'"
                    finally:
                      - echo cleanup
                artifacts:
                  files:
                    - '**/*'
                  base-directory: target
                  discard-paths: yes
                  exclude-paths: ['*.tmp']
                  name: app
                  secondary-artifacts:
                    docs:
                      files: [docs/**/*]
                reports:
                  unit:
                    files: ['**/TEST-*.xml']
                    base-directory: target/surefire-reports
                    file-format: junitxml
                cache:
                  paths:
                    - '/root/.m2/**/*'
                """);
        assertThat(spec.version()).isEqualTo("0.2");
        assertThat(spec.env().variables()).containsEntry("JAVA_HOME", "/usr/lib/jvm/java-21").containsEntry("EMPTY", "");
        assertThat(spec.env().parameterStore()).containsEntry("DB_PASSWORD", "/prod/db/password");
        assertThat(spec.env().secretsManager()).containsEntry("TOKEN", "prod/token:api-key");
        assertThat(spec.env().exportedVariables()).containsExactly("VERSION");
        assertThat(spec.phase(Phase.INSTALL).runtimeVersions()).containsEntry("java", "corretto21");
        assertThat(spec.phase(Phase.BUILD).commands()).containsExactly("echo one\necho two\n", "echo 'quoted: fine'");
        assertThat(spec.phase(Phase.BUILD).finallyCommands()).containsExactly("echo cleanup");
        assertThat(spec.phase(Phase.BUILD).onFailure()).isEqualTo(OnFailure.CONTINUE);
        assertThat(spec.phase(Phase.POST_BUILD).commands()).isEmpty();
        assertThat(spec.artifacts().discardPaths()).isTrue();
        assertThat(spec.artifacts().baseDirectory()).isEqualTo("target");
        assertThat(spec.artifacts().name()).isEqualTo("app");
        assertThat(spec.secondaryArtifacts().get("docs").files()).containsExactly("docs/**/*");
        assertThat(spec.reports().get("unit").fileFormat()).isEqualTo("JUNITXML");
        assertThat(spec.cachePaths()).containsExactly("/root/.m2/**/*");
    }

    @Test
    void namesTheLineAndTheReasonOfEachMistake() {
        refused("phases:\n  build:\n    commands: [ls]\n", 1, "'version' is missing");
        refused("version: 0.3\nphases: {}\n", 1, "version must be 0.2");
        refused("version: 0.2\nphases:\n  build:\n    commands:\n      - echo ok\n      - echo key: value\n", 6,
                "phases.build.commands[1] is a mapping, not a command");
        refused("version: 0.2\nphases:\n  compile:\n    commands: [make]\n", 3, "unknown phase 'compile'");
        refused("version: 0.2\nphases:\n  build:\n    command: [make]\n", 4, "unknown key 'phases.build.command'");
        refused("version: 0.2\nphases:\n  build:\n    commands: make\n", 4, "must be a list of commands");
        refused("version: 0.2\nphases:\n  build:\n    on-failure: IGNORE\n    commands: [make]\n", 4, "ABORT or CONTINUE");
        refused("version: 0.2\nphases:\n  build:\n   commands: [make]\n  oops\n", 5, "invalid YAML");
        refused("version: 0.2\nenv:\n  variables:\n    CODEBUILD_X: 1\nphases:\n  build:\n    commands: [make]\n", 4, "reserved");
        refused("version: 0.2\nphases:\n  build:\n    commands: [make]\nartifacts:\n  name: x\n", 6, "artifacts.files is missing");
        refused("version: 0.2\nphases:\n  build:\n    commands: [make]\nreports:\n  r:\n    files: [a]\n    file-format: XUNIT\n", 8,
                "not a report format");
        refused("version: 0.2\nphases:\n  build:\n    commands: [make]\nartifacts:\n  files: [a]\n  discard-paths: maybe\n", 7,
                "yes or no");
        refused("version: 0.2\n", 1, "'phases' is missing");
        refused("version: 0.2\nphases:\n  build:\n    commands: [a]\n  build:\n    commands: [b]\n", 5, "duplicate key 'phases.build'");
    }

    @Test
    void ignoredKeysAreNotedNotRefused() throws BuildspecException {
        Buildspec spec = parse("version: 0.2\nrun-as: root\nphases:\n  build:\n    on-failure: RETRY-2\n    commands: [make]\n");
        assertThat(spec.phase(Phase.BUILD).onFailure()).isEqualTo(OnFailure.ABORT);
        assertThat(warnings).anyMatch(w -> w.contains("run-as")).anyMatch(w -> w.contains("RETRY-2"));
    }
}
