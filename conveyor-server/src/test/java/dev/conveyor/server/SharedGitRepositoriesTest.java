package dev.conveyor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19: two servers on one PostgreSQL (two replicas) share their hosted repositories through the database. */
class SharedGitRepositoriesTest {
    @TempDir
    Path dir;

    @Test
    void aPushToOneReplicaIsClonedFromAnotherAtOnceAndAStalePushIsRefused() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (ConveyorServer first = new ConveyorServer(ServerConfig.embedded(dir.resolve("a"), 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withDatabaseUrl(url)).start();
             ConveyorServer second = new ConveyorServer(ServerConfig.embedded(dir.resolve("b"), 0).withAuth(ServerConfig.AuthSettings.administrator(dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY)).withDatabaseUrl(url)).start()) {
            GitWorkTree work = GitWorkTree.init(dir.resolve("work"), "main").write("app.txt", "one\n");
            String firstCommit = work.commit("first");
            work.push(AdministratorKey.of(dir.resolve("a")).inUrl(first.endpoint() + "/v1/repos/team/app"), "main");

            GitWorkTree.Result clone = GitWorkTree.run(dir, "clone", AdministratorKey.of(dir.resolve("b")).inUrl(second.endpoint() + "/v1/repos/team/app"), "clone");
            assertThat(clone.exit()).as(clone.output()).isZero();
            assertThat(Files.readString(dir.resolve("clone/app.txt"))).isEqualTo("one\n");
            assertThat(GitWorkTree.run(dir.resolve("clone"), "rev-parse", "HEAD").output().strip()).isEqualTo(firstCommit);
            assertThat(Files.exists(dir.resolve("a/git")) && Files.list(dir.resolve("a/git")).findAny().isPresent())
                    .as("nothing is kept on the first replica's disk").isFalse();

            // The clone moves main on the second replica; the first work tree, behind now, cannot overwrite it through the first.
            Files.writeString(dir.resolve("clone/app.txt"), "two\n");
            GitWorkTree.run(dir.resolve("clone"), "-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-am", "second");
            assertThat(GitWorkTree.run(dir.resolve("clone"), "push", AdministratorKey.of(dir.resolve("b")).inUrl(second.endpoint() + "/v1/repos/team/app"), "main").exit()).isZero();
            work.write("app.txt", "stale\n").commit("stale");
            GitWorkTree.Result stale = GitWorkTree.run(work.dir(), "push", AdministratorKey.of(dir.resolve("a")).inUrl(first.endpoint() + "/v1/repos/team/app"), "main");
            assertThat(stale.exit()).as("a push that is not a fast-forward of what the other replica has").isNotZero();
            assertThat(first.sources().repositories().resolve("team/app", "refs/heads/main"))
                    .contains(GitWorkTree.run(dir.resolve("clone"), "rev-parse", "HEAD").output().strip());
        }
    }

    private ConveyorServer replica(Path data, String databaseUrl) {
        return new ConveyorServer(ServerConfig.embedded(data, 0).withAuth(ServerConfig.AuthSettings.administrator(
                dev.conveyor.testkit.TestCredentials.ACCESS_KEY_ID, dev.conveyor.testkit.TestCredentials.SECRET_ACCESS_KEY))
                .withDatabaseUrl(databaseUrl)).start();
    }

    @Test
    void sourcesReadADatabaseRepositoryInProcessOnAnyReplicaWithNoCopyOnDisk() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (ConveyorServer first = replica(dir.resolve("a"), url); ConveyorServer second = replica(dir.resolve("b"), url);
             ConveyorServer elsewhere = replica(dir.resolve("c"), TestDatabases.freshUrl("postgresql"))) {
            GitWorkTree work = GitWorkTree.init(dir.resolve("work"), "main").write("app.txt", "one\n");
            String one = work.commit("one");
            work.push(AdministratorKey.of(dir.resolve("a")).inUrl(first.endpoint() + "/v1/repos/team/app"), "main");

            // What a source job is given names the database's repository store, not a replica: any replica runs the job.
            String readable = second.sources().repositories().readableUrl("team/app");
            assertThat(readable).startsWith("conveyor-hosted://").endsWith("/team/app")
                    .isEqualTo(first.sources().repositories().readableUrl("team/app"));
            assertThat(elsewhere.sources().repositories().readableUrl("team/app")).as("another database's store").isNotEqualTo(readable);

            try (Git read = Git.cloneRepository().setURI(readable).setDirectory(dir.resolve("read").toFile()).call()) {
                assertThat(read.getRepository().resolve("HEAD").name()).isEqualTo(one);
                assertThat(Files.readString(dir.resolve("read/app.txt"))).isEqualTo("one\n");

                // A push through one replica is read through the other at once: there is nothing to bring up to date first.
                String two = work.write("app.txt", "two\n").commit("two");
                work.push(AdministratorKey.of(dir.resolve("a")).inUrl(first.endpoint() + "/v1/repos/team/app"), "main");
                read.fetch().call();
                assertThat(read.getRepository().resolve("refs/remotes/origin/main").name()).isEqualTo(two);

                assertThatThrownBy(() -> read.push().setRemote("origin").add("main").call())
                        .as("pushes go over HTTP, with credentials").hasStackTraceContaining("pushed to over HTTP");
            }
            assertThatThrownBy(() -> Git.cloneRepository().setURI(second.sources().repositories().readableUrl("team/none"))
                    .setDirectory(dir.resolve("none").toFile()).call()).hasStackTraceContaining("not found");
            for (String replica : new String[] {"a", "b"}) {
                try (var files = Files.walk(dir.resolve(replica))) {
                    assertThat(files.filter(f -> f.getFileName().toString().endsWith(".git")).toList())
                            .as("no repository copy on replica " + replica + "'s disk").isEmpty();
                }
            }
        }
    }
}
