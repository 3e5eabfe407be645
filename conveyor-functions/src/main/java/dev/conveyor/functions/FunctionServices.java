package dev.conveyor.functions;

import dev.conveyor.artifacts.object.ObjectStore;
import dev.conveyor.functions.api.LambdaRestApi;
import dev.conveyor.functions.code.CodeStore;
import dev.conveyor.functions.runtime.InstancePool;
import dev.conveyor.functions.runtime.Launcher;
import dev.conveyor.functions.store.FunctionRepository;
import dev.conveyor.functions.store.FunctionsSchema;
import dev.conveyor.store.Database;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Functions assembled over a database, the data dir and the server's object store: the tables migrated, the code
 * store, the instance pool, the operations and the Lambda REST API. The server makes one, routes requests signed for
 * {@code lambda} to {@link #api()} and closes it (stopping every instance) when it stops.
 */
public final class FunctionServices implements AutoCloseable {
    private final InstancePool pool;
    private final Functions functions;
    private final LambdaRestApi api;

    private FunctionServices(Database database, Path dataDir, ObjectStore objects, String region, String accountId,
                             InstancePool.RuntimeSettings settings, Clock clock) {
        Path root = dataDir.resolve("functions");
        Path logsDir = root.resolve("logs");
        pool = new InstancePool(new Launcher(root.resolve("runtime")), logsDir, region, settings, clock);
        functions = new Functions(new FunctionRepository(database), new CodeStore(dataDir), pool, objects, logsDir, region, accountId, clock);
        api = new LambdaRestApi(functions);
    }

    /** Migrates the functions' tables (after the store's) and assembles the services. */
    public static FunctionServices open(Database database, Path dataDir, ObjectStore objects, String region, String accountId,
                                        InstancePool.RuntimeSettings settings, Clock clock) {
        FunctionsSchema.migrate(database);
        return new FunctionServices(database, dataDir, objects, region, accountId, settings, clock);
    }

    /** The operations, for the engine (invoke) and in-process tools. */
    public Functions functions() {
        return functions;
    }

    /**
     * Tells instances started from now on where the server is: {@code AWS_ENDPOINT_URL} (read by the AWS SDKs and
     * boto3 1.28.57 and newer, and by a function's own code for older ones), so a function reaches Conveyor's S3 and
     * CodePipeline APIs (no role credentials are issued to functions yet: an Invoke action's function signs with the
     * job's artifact credentials, which Conveyor accepts for that job's artifacts and its result).
     */
    public void serviceEndpoint(String url) {
        pool.serviceEnvironment(java.util.Map.of("AWS_ENDPOINT_URL", url));
    }

    public LambdaRestApi api() {
        return api;
    }

    @Override
    public void close() {
        functions.close();
        pool.close();
    }
}
