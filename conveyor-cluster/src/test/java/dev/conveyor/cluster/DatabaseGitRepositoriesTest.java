package dev.conveyor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.internal.storage.dfs.DfsRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;

class DatabaseGitRepositoriesTest {
    @Test
    void aCommitMadeThroughOneReplicaIsReadThroughAnotherAtOnce() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url)) {
            DatabaseGitRepositories first = DatabaseGitRepositories.open(a);
            DatabaseGitRepositories second = DatabaseGitRepositories.open(b);
            assertThat(second.exists("team/app")).isFalse();
            ObjectId commit;
            try (DfsRepository repo = first.openOrCreate("team/app", "main")) {
                commit = commit(repo, null, "README.md", "hello\n");
                assertThat(update(repo, "refs/heads/main", null, commit)).isEqualTo(RefUpdate.Result.NEW);
            }
            assertThat(second.exists("team/app")).isTrue();
            try (DfsRepository repo = second.open("team/app"); RevWalk walk = new RevWalk(repo)) {
                assertThat(repo.exactRef("HEAD").getTarget().getName()).isEqualTo("refs/heads/main");
                assertThat(repo.resolve("HEAD")).isEqualTo(commit);
                RevCommit read = walk.parseCommit(repo.resolve("refs/heads/main"));
                try (TreeWalk tree = TreeWalk.forPath(repo, "README.md", read.getTree())) {
                    assertThat(new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
                }
            }
        }
    }

    @Test
    void twoReplicasMovingTheSameRefFromTheSameCommitOnlyOneWins() throws Exception {
        String url = TestDatabases.freshUrl("postgresql");
        try (Database a = Database.open(url); Database b = Database.open(url)) {
            DatabaseGitRepositories first = DatabaseGitRepositories.open(a);
            DatabaseGitRepositories second = DatabaseGitRepositories.open(b);
            ObjectId base;
            try (DfsRepository repo = first.openOrCreate("race", "main")) {
                base = commit(repo, null, "f", "0");
                update(repo, "refs/heads/main", null, base);
            }
            try (DfsRepository one = first.open("race"); DfsRepository two = second.open("race")) {
                ObjectId left = commit(one, base, "f", "left");
                ObjectId right = commit(two, base, "f", "right");
                assertThat(update(one, "refs/heads/main", base, left)).isEqualTo(RefUpdate.Result.FAST_FORWARD);
                assertThat(update(two, "refs/heads/main", base, right)).isEqualTo(RefUpdate.Result.LOCK_FAILURE);
            }
            try (DfsRepository again = second.open("race")) {
                try (RevWalk walk = new RevWalk(again)) {
                    assertThat(walk.parseCommit(again.resolve("refs/heads/main")).getParent(0).getId()).isEqualTo(base);
                }
            }
        }
    }

    private static ObjectId commit(DfsRepository repo, ObjectId parent, String path, String content) throws Exception {
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append(path, FileMode.REGULAR_FILE, blob);
            ObjectId treeId = inserter.insert(tree);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(treeId);
            if (parent != null) {
                commit.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("Ada", "ada@example.com");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("change " + path);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        }
    }

    private static RefUpdate.Result update(DfsRepository repo, String ref, ObjectId expected, ObjectId next) throws Exception {
        RefUpdate update = repo.updateRef(ref);
        update.setExpectedOldObjectId(expected == null ? ObjectId.zeroId() : expected);
        update.setNewObjectId(next);
        return update.update();
    }
}
