package dev.conveyor.iam.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.IamServices;
import dev.conveyor.iam.identity.NewAccessKey;
import dev.conveyor.iam.identity.Principal;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.iam.policy.Decision.Outcome;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What authentication keeps in memory: a key's signing key and a principal's policies are read from the database once
 * and then answered from memory, until an IAM change on this process (at once) or on another process sharing the
 * database (through the change feed) forgets them; a load that raced a change is not kept.
 */
class IamChangesTest {
    private static final String ACCOUNT = "000000000000";

    @Test
    void answersFromMemoryUntilAChangeAndDropsALoadThatRacedOne() throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl("h2"))) {
            IamChanges changes = new IamChanges(db.changes());
            AtomicInteger loads = new AtomicInteger();
            assertThat(changes.<String>get("k", () -> "v" + loads.incrementAndGet(), false)).isEqualTo("v1");
            assertThat(changes.<String>get("k", () -> "v" + loads.incrementAndGet(), false)).as("from memory").isEqualTo("v1");
            assertThat(changes.<String>get("absent", () -> null, false)).isNull();
            assertThat(changes.size()).as("absence is not kept unless asked").isEqualTo(1);

            changes.write(db, c -> null);
            assertThat(changes.<String>get("k", () -> "v" + loads.incrementAndGet(), false)).as("forgotten on a change").isEqualTo("v2");

            // A load during which a change commits: its result is handed back but not kept.
            String raced = changes.get("r", () -> {
                changes.write(db, c -> null);
                return "before the change";
            }, false);
            assertThat(raced).isEqualTo("before the change");
            assertThat(changes.<String>get("r", () -> "after the change", false)).isEqualTo("after the change");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aRevokedKeyAndADeletedPolicyApplyAtOnceOnThisProcessAndSoonOnAnother(String kind) throws Exception {
        String url = TestDatabases.freshUrl(kind);
        // On PostgreSQL two pools, as two server processes; the embedded database is one process's alone (two services then).
        boolean twoProcesses = "postgresql".equals(kind);
        try (Database here = Database.open(url); Database other = twoProcesses ? Database.open(url) : null) {
            Database there = twoProcesses ? other : here;
            Keyring keyring = new Keyring(Files.createTempDirectory("keys"), Clock.systemUTC());
            IamServices first = IamServices.open(here, keyring, "us-east-1", ACCOUNT, Clock.systemUTC());
            IamServices second = IamServices.open(there, keyring, "us-east-1", ACCOUNT, Clock.systemUTC());
            first.users().create("carol", "/");
            first.users().putInlinePolicy("carol", "Read", """
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codepipeline:Get*", "Resource": "*"}]}""");
            NewAccessKey key = first.users().createAccessKey("carol");
            String id = key.key().accessKeyId();
            AuthorizationRequest get = new AuthorizationRequest("codepipeline:GetPipeline", "arn:aws:codepipeline:us-east-1:" + ACCOUNT + ":p");
            for (IamServices iam : new IamServices[] {first, second}) {
                Principal carol = iam.signingKeys().find(id).orElseThrow().principal();
                assertThat(iam.signingKeys().find(id).orElseThrow().active()).isTrue();
                assertThat(iam.authorizer().authorize(carol, get).outcome()).isEqualTo(Outcome.ALLOWED);
            }

            first.users().updateAccessKey("carol", id, "Inactive");
            assertThat(first.signingKeys().find(id).orElseThrow().active()).as("at once where it changed").isFalse();
            Await.await(() -> second.signingKeys().find(id).orElseThrow().active(), active -> !active, Duration.ofSeconds(10),
                    "the other process to hear that the key was deactivated");

            Principal carol = first.signingKeys().find(id).orElseThrow().principal();
            first.users().deleteInlinePolicy("carol", "Read");
            assertThat(first.authorizer().authorize(carol, get).outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
            Await.await(() -> second.authorizer().authorize(carol, get).outcome(), o -> o == Outcome.IMPLICIT_DENY, Duration.ofSeconds(10),
                    "the other process to hear that the policy was deleted");

            first.users().deleteAccessKey("carol", id);
            assertThat(first.signingKeys().find(id)).isEmpty();
            Await.await(() -> second.signingKeys().find(id).isPresent(), present -> !present, Duration.ofSeconds(10),
                    "the other process to hear that the key was deleted");
        }
    }
}
