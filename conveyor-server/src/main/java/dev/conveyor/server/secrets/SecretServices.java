package dev.conveyor.server.secrets;

import dev.conveyor.artifacts.crypto.Keyring;
import dev.conveyor.model.servicemodel.ServiceModel;
import dev.conveyor.server.protocol.JsonService;
import dev.conveyor.store.Database;
import dev.conveyor.store.secrets.SecretRepository;
import java.time.Clock;
import java.util.Map;

/** The secret store and its two APIs (SSM parameters, Secrets Manager), assembled. */
public final class SecretServices {
    /** The models of SSM and of Secrets Manager, which these services answer with. */
    public static final String SSM_MODEL = "ssm-2014-11-06.json";
    public static final String SECRETS_MANAGER_MODEL = "secretsmanager-2017-10-17.json";

    private final SecretStore store;
    private final SecretReferences references;
    private final Map<String, JsonService> jsonServices;

    public SecretServices(Database database, Keyring keyring, String region, String accountId, Clock clock) {
        this.store = new SecretStore(new SecretRepository(database), keyring, clock);
        this.references = new SecretReferences(store, region, accountId);
        SecretOperations operations = new SecretOperations(store, references);
        JsonService ssm = new JsonService(ServiceModel.load(SSM_MODEL), operations.ssm());
        JsonService secretsManager = new JsonService(ServiceModel.load(SECRETS_MANAGER_MODEL), operations.secretsManager());
        this.jsonServices = Map.of(ssm.targetPrefix(), ssm, secretsManager.targetPrefix(), secretsManager);
    }

    public SecretStore store() {
        return store;
    }

    /** How builds resolve PARAMETER_STORE and SECRETS_MANAGER references. */
    public SecretReferences references() {
        return references;
    }

    /** The SSM ({@code AmazonSSM}) and Secrets Manager ({@code secretsmanager}) services, by target prefix. */
    public Map<String, JsonService> jsonServices() {
        return jsonServices;
    }
}
