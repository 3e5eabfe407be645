package dev.conveyor.iam.identity;

import dev.conveyor.iam.errors.ExpiredTokenException;
import dev.conveyor.iam.errors.InvalidClientTokenIdException;
import dev.conveyor.iam.errors.SignatureDoesNotMatchException;
import dev.conveyor.iam.store.SessionRepository;
import dev.conveyor.iam.store.UserRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Turns the access key a request was signed with into the principal behind it. The signature itself is checked by
 * the caller's {@link SignatureCheck} (the server owns HTTP and the SigV4 canonical request) with the secret looked
 * up here; this class decides what known, inactive, expired and unknown keys mean.
 */
public final class SigningKeys {
    /** Verifies the request's signature with a secret key: empty when it verifies, else why not. */
    @FunctionalInterface
    public interface SignatureCheck {
        Optional<String> refusal(String secretAccessKey);
    }

    private final UserRepository users;
    private final SessionRepository sessions;
    private final SecretSealer sealer;
    private final Names names;
    private final Clock clock;
    private final IdentityCache cache;

    public SigningKeys(UserRepository users, SessionRepository sessions, SecretSealer sealer, Names names, Clock clock,
                       IdentityCache cache) {
        this.cache = cache;
        this.users = users;
        this.sessions = sessions;
        this.sealer = sealer;
        this.names = names;
        this.clock = clock;
    }

    /** The signing key of an access key id Conveyor issued: a user's key or a role session's. */
    public Optional<SigningKey> find(String accessKeyId) {
        return cache.signingKey(accessKeyId, () -> load(accessKeyId));
    }

    private Optional<SigningKey> load(String accessKeyId) {
        var key = users.findAccessKey(accessKeyId);
        if (key.isPresent()) {
            var user = users.find(key.get().userName()).orElseThrow();
            return Optional.of(new SigningKey(new Principal.User(names.accountId(), user.name(), user.userId(), user.arn()),
                    sealer.open(accessKeyId, key.get().secret()), "Active".equals(key.get().status()), null, null));
        }
        return sessions.find(accessKeyId).map(s -> new SigningKey(
                new Principal.AssumedRole(names.accountId(), s.roleName(), s.roleId(), s.sessionName()),
                sealer.open(accessKeyId, s.secret()), true, s.sessionTokenHash(), s.expiresAt()));
    }

    /**
     * Who signed a request with {@code accessKeyId} (and {@code sessionToken}, for temporary credentials): the known
     * key's principal once its signature verifies; for keys Conveyor did not issue, the account itself (requests are
     * not refused for that yet: enforcement comes next).
     *
     * @throws InvalidClientTokenIdException an inactive key, or a session token that does not belong to the key
     * @throws ExpiredTokenException         temporary credentials past their expiry
     * @throws SignatureDoesNotMatchException a signature that does not verify with the stored secret
     */
    public Principal authenticate(String accessKeyId, String sessionToken, SignatureCheck check) {
        Optional<SigningKey> found = find(accessKeyId);
        if (found.isEmpty()) {
            return new Principal.Account(names.accountId());
        }
        SigningKey key = found.get();
        if (!key.active()) {
            throw new InvalidClientTokenIdException("The security token included in the request is invalid.");
        }
        if (key.sessionTokenHash() != null) {
            if (sessionToken == null || !MessageDigest.isEqual(tokenHash(sessionToken).getBytes(StandardCharsets.US_ASCII),
                    key.sessionTokenHash().getBytes(StandardCharsets.US_ASCII))) {
                throw new InvalidClientTokenIdException("The security token included in the request is invalid.");
            }
            if (!clock.instant().isBefore(key.expiresAt())) {
                throw new ExpiredTokenException("The security token included in the request is expired");
            }
        }
        Optional<String> refusal = check.refusal(key.secretAccessKey());
        if (refusal.isPresent()) {
            throw new SignatureDoesNotMatchException(refusal.get());
        }
        return key.principal();
    }

    static String tokenHash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
