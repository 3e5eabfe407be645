package dev.conveyor.iam;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.iam.api.QueryApi;
import dev.conveyor.iam.identity.AdministratorBootstrap;
import dev.conveyor.iam.identity.IdentityCache;
import dev.conveyor.iam.identity.Names;
import dev.conveyor.iam.identity.PolicyCatalog;
import dev.conveyor.iam.identity.Roles;
import dev.conveyor.iam.identity.SecretSealer;
import dev.conveyor.iam.identity.SigningKeys;
import dev.conveyor.iam.identity.Users;
import dev.conveyor.iam.store.IamSchema;
import dev.conveyor.iam.store.PolicyRepository;
import dev.conveyor.iam.store.RoleRepository;
import dev.conveyor.iam.store.SessionRepository;
import dev.conveyor.iam.store.UserRepository;
import dev.conveyor.store.Database;
import java.time.Clock;

/**
 * IAM assembled over a database and the keyring: its tables migrated, the identity services, the authorizer, the
 * IAM/STS Query API and the first-start administrator. The server makes one and routes {@code iam}/{@code sts}
 * requests to {@link #queryApi()}.
 */
public final class IamServices {
    private final Users users;
    private final PolicyCatalog policies;
    private final Roles roles;
    private final SigningKeys signingKeys;
    private final Authorizer authorizer;
    private final QueryApi queryApi;
    private final AdministratorBootstrap bootstrap;
    private final ResourceArns resourceArns;
    private final BucketPolicies bucketPolicies;
    private final IdentityCache identityCache;

    private IamServices(Database database, Keyring keyring, String region, String accountId, Clock clock) {
        Names names = new Names(accountId);
        SecretSealer sealer = new SecretSealer(keyring);
        UserRepository userRepository = new UserRepository(database);
        PolicyRepository policyRepository = new PolicyRepository(database);
        RoleRepository roleRepository = new RoleRepository(database);
        SessionRepository sessionRepository = new SessionRepository(database);
        users = new Users(userRepository, policyRepository, sealer, names, clock);
        policies = new PolicyCatalog(policyRepository, names, clock);
        identityCache = new IdentityCache(database.changes());
        roles = new Roles(roleRepository, policyRepository, sessionRepository, sealer, names, clock, identityCache);
        signingKeys = new SigningKeys(userRepository, sessionRepository, sealer, names, clock, identityCache);
        authorizer = new Authorizer(userRepository, roleRepository, policyRepository, identityCache);
        bucketPolicies = new BucketPolicies(new dev.conveyor.iam.store.BucketPolicyRepository(database), identityCache, clock);
        queryApi = new QueryApi(users, policies, roles);
        bootstrap = new AdministratorBootstrap(users, policies);
        resourceArns = new ResourceArns(region, accountId);
    }

    /** Migrates IAM's tables (after the store's) and assembles the services. */
    public static IamServices open(Database database, Keyring keyring, String region, String accountId, Clock clock) {
        IamSchema.migrate(database);
        return new IamServices(database, keyring, region, accountId, clock);
    }

    public Users users() {
        return users;
    }

    public PolicyCatalog policies() {
        return policies;
    }

    public Roles roles() {
        return roles;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public QueryApi queryApi() {
        return queryApi;
    }

    public AdministratorBootstrap bootstrap() {
        return bootstrap;
    }

    /** S3 bucket policies: stored here, evaluated by the {@link #authorizer()} with the caller's own policies. */
    public BucketPolicies bucketPolicies() {
        return bucketPolicies;
    }

    /**
     * What is derived from IAM's tables, kept in memory and forgotten at every IAM change: for other modules that
     * check principals often (the job gate).
     */
    public IdentityCache identityCache() {
        return identityCache;
    }

    public ResourceArns resourceArns() {
        return resourceArns;
    }
}
