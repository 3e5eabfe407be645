package dev.conveyor.iam.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.IamServices;
import dev.conveyor.store.Database;
import dev.conveyor.testkit.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A principal written down with a pipeline version and read back to be evaluated again: every kind round-trips, and
 * one whose user or role was deleted, or deleted and created again under the same name, no longer stands.
 */
class PrincipalRecordsTest {
    @Test
    void everyKindOfPrincipalReadsBackAsWritten() {
        Principal user = new Principal.User("000000000000", "alice", "AIDAEXAMPLE", "arn:aws:iam::000000000000:user/team/alice");
        Principal session = new Principal.AssumedRole("000000000000", "deployer", "AROAEXAMPLE", "nightly");
        Principal account = new Principal.Account("000000000000");
        for (Principal p : new Principal[] {user, session, account}) {
            assertThat(PrincipalRecords.decode(PrincipalRecords.encode(p))).contains(p);
        }
        assertThat(PrincipalRecords.encode(null)).isNull();
        assertThat(PrincipalRecords.encode(Principal.Anonymous.INSTANCE)).isNull();
        assertThat(PrincipalRecords.decode(null)).isEmpty();
    }

    @Test
    void aDeletedOrRecreatedUserOrRoleNoLongerStands() throws Exception {
        try (Database db = Database.open(TestDatabases.freshUrl("h2"))) {
            Clock clock = Clock.systemUTC();
            IamServices iam = IamServices.open(db, new Keyring(Files.createTempDirectory("keys"), clock), "us-east-1", "000000000000", clock);
            var row = iam.users().create("bob", "/");
            Principal bob = new Principal.User("000000000000", "bob", row.userId(), row.arn());
            var role = iam.roles().create("ops", "/", "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:AssumeRole\"}}",
                    null, null);
            Principal ops = new Principal.AssumedRole("000000000000", "ops", role.roleId(), "s");
            assertThat(PrincipalRecords.gone(bob, iam.users(), iam.roles())).isEmpty();
            assertThat(PrincipalRecords.gone(ops, iam.users(), iam.roles())).isEmpty();
            assertThat(PrincipalRecords.gone(new Principal.Account("000000000000"), iam.users(), iam.roles())).isEmpty();
            assertThat(PrincipalRecords.gone(new Principal.AssumedRole("000000000000", "ops", "AROAOTHER", "s"), iam.users(), iam.roles()))
                    .as("a role of that name with another id").contains("the role ops of the session "
                            + "arn:aws:sts::000000000000:assumed-role/ops/s no longer exists");

            iam.users().delete("bob");
            assertThat(PrincipalRecords.gone(bob, iam.users(), iam.roles())).isEqualTo(
                    Optional.of("the user arn:aws:iam::000000000000:user/bob no longer exists"));
            iam.users().create("bob", "/");
            assertThat(PrincipalRecords.gone(bob, iam.users(), iam.roles())).as("a new bob is a new principal").isPresent();
        }
    }
}
