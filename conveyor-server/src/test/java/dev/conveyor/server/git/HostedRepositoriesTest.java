package dev.conveyor.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostedRepositoriesTest {
    @Test
    void namesAreCodeCommitLikeOrOwnerSlashName() {
        assertThat(HostedRepositories.normalize("/app.git")).contains("app");
        assertThat(HostedRepositories.normalize("team/app")).contains("team/app");
        assertThat(HostedRepositories.normalize("my.repo_1-x")).contains("my.repo_1-x");
        assertThat(HostedRepositories.normalize("../etc")).isEmpty();
        assertThat(HostedRepositories.normalize(".hidden")).isEmpty();
        assertThat(HostedRepositories.normalize("a.git/b")).as("would nest in another repository").isEmpty();
        assertThat(HostedRepositories.normalize("a//b")).isEmpty();
        assertThat(HostedRepositories.normalize("a/b/c/d/e")).isEmpty();
        assertThat(HostedRepositories.normalize("x".repeat(101))).isEmpty();
    }
}
