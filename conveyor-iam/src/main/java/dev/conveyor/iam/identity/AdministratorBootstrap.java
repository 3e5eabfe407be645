package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.EntityAlreadyExistsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The first administrator: on a server's first start (no user {@code admin} yet), creates that user with the AWS
 * managed policy AdministratorAccess and an access key, and writes the key as an AWS shared-credentials profile
 * {@code conveyor-admin} to {@code <data-dir>/admin-credentials}, readable by its owner only. Later starts, and
 * replicas sharing a database where the administrator exists, do nothing.
 *
 * <p>With an operator-chosen key ({@link #run(Path, String, String)}, the server's {@code --admin-access-key-id} /
 * {@code --admin-secret-access-key}, as MinIO's root user), that pair is the administrator's key instead of a random
 * one, on every start: a changed secret replaces the old one, and the file is rewritten with it.
 */
public final class AdministratorBootstrap {
    public static final String USER_NAME = "admin";
    public static final String PROFILE = "conveyor-admin";
    public static final String FILE_NAME = "admin-credentials";
    /** The AWS-style managed policy agents' users get: Conveyor's agent API, nothing else (artifacts come with each job). */
    public static final String AGENT_POLICY_ARN = "arn:aws:iam::aws:policy/ConveyorAgentAccess";
    static final String AGENT_ACCESS = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "conveyor:*", "Resource": "*"},
             {"Effect": "Allow", "Action": ["codedeploy-commands:*", "codedeploy:RegisterOnPremisesInstance",
              "codedeploy:AddTagsToOnPremisesInstances"], "Resource": "*"}]}""";
    static final String ADMINISTRATOR_ACCESS = """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""";

    private final Users users;
    private final PolicyCatalog policies;

    public AdministratorBootstrap(Users users, PolicyCatalog policies) {
        this.users = users;
        this.policies = policies;
    }

    /**
     * Creates the administrator if there is none; the path of the credentials file written, or empty when the
     * administrator existed already. A first start that stopped after creating the user but before handing out its
     * key (no key, no file) is completed.
     */
    public Optional<Path> run(Path dataDir) {
        return run(dataDir, null, null);
    }

    /**
     * As {@link #run(Path)}, with the administrator's access key id and secret given (both null: a random key made on
     * the first start). A given pair is imported on every start and the file written whenever it differs.
     */
    public Optional<Path> run(Path dataDir, String accessKeyId, String secretAccessKey) {
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("the administrator's access key id and secret go together: give both or neither");
        }
        if (accessKeyId != null) {
            return runWith(dataDir, accessKeyId, secretAccessKey);
        }
        String policyArn = policies.ensureAwsManaged("AdministratorAccess", ADMINISTRATOR_ACCESS,
                "Provides full access to everything Conveyor serves.");
        policies.ensureAwsManaged("ConveyorAgentAccess", AGENT_ACCESS, "What a remote agent needs: Conveyor's agent API.");
        Path file = dataDir.resolve(FILE_NAME);
        try {
            users.create(USER_NAME, "/");
        } catch (EntityAlreadyExistsException e) {
            if (Files.exists(file) || !users.accessKeys(USER_NAME).isEmpty()) {
                return Optional.empty(); // not the first start (or another replica was first)
            }
        }
        users.attachPolicy(USER_NAME, policyArn); // attaching twice is no error
        NewAccessKey key = users.createAccessKey(USER_NAME);
        writeOwnerOnly(file, profile(key.key().accessKeyId(), key.secretAccessKey()));
        return Optional.of(file);
    }

    private Optional<Path> runWith(Path dataDir, String accessKeyId, String secretAccessKey) {
        String policyArn = policies.ensureAwsManaged("AdministratorAccess", ADMINISTRATOR_ACCESS,
                "Provides full access to everything Conveyor serves.");
        policies.ensureAwsManaged("ConveyorAgentAccess", AGENT_ACCESS, "What a remote agent needs: Conveyor's agent API.");
        Path file = dataDir.resolve(FILE_NAME);
        try {
            users.create(USER_NAME, "/");
        } catch (EntityAlreadyExistsException e) {
            // a later start: the key is (re)imported below
        }
        users.attachPolicy(USER_NAME, policyArn);
        users.importAccessKey(USER_NAME, accessKeyId, secretAccessKey);
        String content = profile(accessKeyId, secretAccessKey);
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        writeOwnerOnly(file, content);
        return Optional.of(file);
    }

    private static String profile(String accessKeyId, String secretAccessKey) {
        return "[" + PROFILE + "]\naws_access_key_id = " + accessKeyId + "\naws_secret_access_key = " + secretAccessKey + "\n";
    }

    /** How to use the file {@link #run} wrote, for the server to print. */
    public static String instructions(Path file, String endpoint) {
        return "Created the administrator '" + USER_NAME + "'; its access key is in " + file + " (profile " + PROFILE + "). Use it with:\n"
                + "  export AWS_SHARED_CREDENTIALS_FILE=" + file + " AWS_PROFILE=" + PROFILE + "\n"
                + "  aws sts get-caller-identity --endpoint-url " + endpoint;
    }

    /** Written to a temporary file created owner-only, then moved into place: the secret is never readable by others. */
    private static void writeOwnerOnly(Path file, String content) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the administrator's credentials to " + file, e);
        }
    }
}
