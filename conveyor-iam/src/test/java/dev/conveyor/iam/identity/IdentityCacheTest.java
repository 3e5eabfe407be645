package dev.conveyor.iam.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.IamServices;
import dev.conveyor.iam.errors.InvalidClientTokenIdException;
import dev.conveyor.iam.policy.AuthorizationRequest;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.Await;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keys and policies are answered from memory once seen, and every IAM change is seen at once by the process that
 * made it and soon by every other process on the same database. On PostgreSQL the second set of services has its
 * own pool and feed, as a second server replica does (LISTEN/NOTIFY carries the change); an embedded H2 file is
 * locked to one process, so there the second set shares the process's database and in-process feed.
 */
class IdentityCacheTest {
    private static final String READ_ONLY = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "codepipeline:Get*", "Resource": "*"}}""";
    private static final AuthorizationRequest GET = new AuthorizationRequest("codepipeline:GetPipeline",
            "arn:aws:codepipeline:us-east-1:000000000000:web");

    @ParameterizedTest
    @MethodSource("dev.conveyor.testkit.TestDatabases#both")
    void aKeyMadeInactiveOrAPolicyDetachedIsRefusedByTheNextRequestInEveryProcess(String kind) throws Exception {
        Path keys = Files.createTempDirectory("keys");
        String url = TestDatabases.freshUrl(kind);
        try (Database here = Database.open(url); Database other = kind.equals("h2") ? null : Database.open(url)) {
            Database there = other == null ? here : other;
            IamServices iam = IamServices.open(here, new Keyring(keys, Clock.systemUTC()), "us-east-1", "000000000000", Clock.systemUTC());
            IamServices replica = IamServices.open(there, new Keyring(keys, Clock.systemUTC()), "us-east-1", "000000000000",
                    Clock.systemUTC());
            String policy = iam.policies().create("ReadOnly", "/", READ_ONLY, null).arn();
            iam.users().create("carol", "/");
            iam.users().attachPolicy("carol", policy);
            NewAccessKey key = iam.users().createAccessKey("carol");
            String id = key.key().accessKeyId();
            String secret = key.secretAccessKey();

            // Both processes authenticate and authorize carol, which puts her key and policies in their memory.
            Principal carol = iam.signingKeys().authenticate(id, null, s -> s.equals(secret) ? Optional.empty() : Optional.of("no"));
            assertThat(iam.authorizer().authorize(carol, GET).allowed()).isTrue();
            assertThat(replica.signingKeys().find(id)).isPresent();
            assertThat(replica.authorizer().authorize(carol, GET).allowed()).isTrue();

            iam.users().detachPolicy("carol", policy);
            assertThat(iam.authorizer().authorize(carol, GET).allowed()).as("detached here: denied here at once").isFalse();
            Await.await(() -> replica.authorizer().authorize(carol, GET).allowed(), allowed -> !allowed, Duration.ofSeconds(10),
                    "the other process to see the detached policy");

            iam.users().updateAccessKey("carol", id, "Inactive");
            assertThatThrownBy(() -> iam.signingKeys().authenticate(id, null, s -> Optional.empty()))
                    .as("made inactive here: refused here at once").isInstanceOf(InvalidClientTokenIdException.class);
            Await.await(() -> replica.signingKeys().find(id).orElseThrow().active(), active -> !active, Duration.ofSeconds(10),
                    "the other process to see the inactive key");

            iam.users().deleteAccessKey("carol", id);
            assertThat(iam.signingKeys().find(id)).as("deleted here: unknown here at once").isEmpty();
            Await.await(() -> replica.signingKeys().find(id), Optional::isEmpty, Duration.ofSeconds(10),
                    "the other process to forget the deleted key");

            NewAccessKey fresh = iam.users().createAccessKey("carol");
            assertThat(replica.signingKeys().find(fresh.key().accessKeyId())).as("a new key is found at once anywhere").isPresent();
        }
    }
}
