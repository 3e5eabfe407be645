package dev.conveyor.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server is started with.
 *
 * @param bindAddress where to listen, e.g. 127.0.0.1 or 0.0.0.0
 * @param port        0 picks a free port (tests)
 * @param dataDir     where the embedded database and artifacts live
 * @param databaseUrl a JDBC URL (PostgreSQL) or null for the embedded database under {@code dataDir}
 * @param region      the region in ARNs and in what the API reports
 * @param accountId   the 12-digit account id in ARNs
 * @param engine      how executions run: timers, and the agent embedded in the server
 * @param artifacts   where artifacts are kept, how big they may be and how long they are kept
 * @param sources     how sources are reached and watched: the public URL, polling and schedule intervals
 * @param tls         HTTPS: off, with given PEM files, or with a self-signed certificate; and whether HTTP stays on
 * @param auth        whether requests must be signed and allowed (the default), and the administrator's key
 */
public record ServerConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String region, String accountId,
                           EngineSettings engine, ArtifactSettings artifacts, SourceSettings sources, TlsSettings tls,
                           AuthSettings auth) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    public ServerConfig {
        if (!accountId.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("the account id must be 12 digits, got '" + accountId + "'");
        }
        if (!region.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("the region must look like us-east-1, got '" + region + "'");
        }
    }

    /** A configuration with authentication on (the default) and a random administrator key. */
    public ServerConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String region, String accountId,
                        EngineSettings engine, ArtifactSettings artifacts, SourceSettings sources, TlsSettings tls) {
        this(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, sources, tls, AuthSettings.defaults());
    }

    /**
     * Authentication and authorization (issue 14).
     *
     * @param mode                     {@code SIGV4}: every request is signed with a known key and allowed by its
     *                                 policies (the default); {@code NONE}: today's open mode, loopback only
     * @param adminAccessKeyId         the administrator's access key id ({@code --admin-access-key-id}), or null for a
     *                                 random one made on the first start
     * @param adminSecretAccessKey     its secret ({@code --admin-secret-access-key})
     * @param maxFailuresPerMinute     failed authentications from one address with one key id before that pair is
     *                                 throttled for the rest of the minute (FailedAuthentications)
     */
    /**
     * @param requireKnownRoles whether a pipeline must name a role of Conveyor's IAM for Conveyor to act on its behalf
     *                          (issue 14; off: a pipeline without one, or naming an unknown role, acts with the
     *                          authority of the principal that created or last updated it; on: such pipelines are
     *                          refused, except the demo's built-in service role name)
     */
    public record AuthSettings(Mode mode, String adminAccessKeyId, String adminSecretAccessKey, int maxFailuresPerMinute,
                               boolean requireKnownRoles) {
        public enum Mode { SIGV4, NONE }

        public AuthSettings(Mode mode, String adminAccessKeyId, String adminSecretAccessKey) {
            this(mode, adminAccessKeyId, adminSecretAccessKey, dev.conveyor.server.auth.FailedAuthentications.MAX_FAILURES);
        }

        public AuthSettings(Mode mode, String adminAccessKeyId, String adminSecretAccessKey, int maxFailuresPerMinute) {
            this(mode, adminAccessKeyId, adminSecretAccessKey, maxFailuresPerMinute, false);
        }

        /** The same settings with another failure limit (tests that fail on purpose many times: the fuzz tests). */
        public AuthSettings withMaxFailuresPerMinute(int limit) {
            return new AuthSettings(mode, adminAccessKeyId, adminSecretAccessKey, limit, requireKnownRoles);
        }

        /** The same settings requiring (or not) that pipelines name roles Conveyor's IAM holds. */
        public AuthSettings withRequireKnownRoles(boolean require) {
            return new AuthSettings(mode, adminAccessKeyId, adminSecretAccessKey, maxFailuresPerMinute, require);
        }

        public AuthSettings {
            if (mode == null) {
                throw new IllegalArgumentException("an authentication mode is needed");
            }
            if (maxFailuresPerMinute < 1) {
                throw new IllegalArgumentException("the failed-authentication limit must be at least 1");
            }
            if ((adminAccessKeyId == null) != (adminSecretAccessKey == null)) {
                throw new IllegalArgumentException("--admin-access-key-id and --admin-secret-access-key go together: give both or neither");
            }
            if (adminAccessKeyId != null && !adminAccessKeyId.matches("[A-Za-z0-9_]{3,128}")) {
                throw new IllegalArgumentException("the administrator's access key id must be 3 to 128 letters, digits or _");
            }
            if (adminSecretAccessKey != null && (adminSecretAccessKey.length() < 8 || adminSecretAccessKey.length() > 128
                    || !adminSecretAccessKey.matches("\\p{Graph}+"))) {
                throw new IllegalArgumentException("the administrator's secret access key must be 8 to 128 printable characters without spaces");
            }
        }

        /** Signatures and policies enforced, a random administrator key made on the first start. */
        public static AuthSettings defaults() {
            return new AuthSettings(Mode.SIGV4, null, null);
        }

        /** Enforced, with this administrator key. */
        public static AuthSettings administrator(String accessKeyId, String secretAccessKey) {
            return new AuthSettings(Mode.SIGV4, accessKeyId, secretAccessKey);
        }

        /** No authentication: anyone reaching the port may do anything (refused with a non-loopback bind address). */
        public static AuthSettings none() {
            return new AuthSettings(Mode.NONE, null, null);
        }

        public boolean enforced() {
            return mode == Mode.SIGV4;
        }
    }

    /** A configuration without TLS. */
    public ServerConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String region, String accountId,
                        EngineSettings engine, ArtifactSettings artifacts, SourceSettings sources) {
        this(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, sources, TlsSettings.off());
    }

    /**
     * HTTPS settings (issue 14).
     *
     * @param certificate PEM certificate chain ({@code --tls-cert}), or null
     * @param privateKey  its PEM private key ({@code --tls-key}), or null
     * @param selfSigned  serve a certificate made on first start under {@code <dataDir>/tls} ({@code --tls})
     * @param httpsPort   the HTTPS port (0 picks a free one)
     * @param http        whether the plain HTTP listener on {@code port} stays on
     */
    public record TlsSettings(Path certificate, Path privateKey, boolean selfSigned, int httpsPort, boolean http) {
        public static final int DEFAULT_HTTPS_PORT = 8443;

        public TlsSettings {
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
            }
            if (certificate != null && selfSigned) {
                throw new IllegalArgumentException("--tls makes its own certificate: give it or --tls-cert/--tls-key, not both");
            }
            if (!http && certificate == null && !selfSigned) {
                throw new IllegalArgumentException("HTTP can be turned off only with HTTPS on (--tls, or --tls-cert and --tls-key)");
            }
        }

        public static TlsSettings off() {
            return new TlsSettings(null, null, false, DEFAULT_HTTPS_PORT, true);
        }

        public boolean enabled() {
            return selfSigned || certificate != null;
        }
    }

    /** A configuration with the default artifact settings. */
    public ServerConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String region, String accountId,
                        EngineSettings engine) {
        this(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, ArtifactSettings.defaults());
    }

    /** A configuration with the default source settings. */
    public ServerConfig(String bindAddress, int port, Path dataDir, String databaseUrl, String region, String accountId,
                        EngineSettings engine, ArtifactSettings artifacts) {
        this(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, SourceSettings.defaults());
    }

    /**
     * How sources are reached and watched.
     *
     * @param publicUrl        the base URL agents, git clients and forges reach this server at (in clone, webhook
     *                         and revision URLs), e.g. {@code https://ci.example.com}; null: the listener's address
     * @param pollInterval     how often sources with PollForSourceChanges (and connections to other servers) are polled
     * @param scheduleInterval how often pipeline schedules are checked
     */
    public record SourceSettings(String publicUrl, Duration pollInterval, Duration scheduleInterval) {
        public static SourceSettings defaults() {
            return new SourceSettings(null, Duration.ofSeconds(60), Duration.ofSeconds(5));
        }
    }

    /**
     * Where artifacts (and every bucket of the S3 endpoint) are kept, and for how long.
     *
     * @param externalEndpoint  an external S3-compatible service to keep buckets in (credentials from the standard
     *                          AWS chain), or null for content-addressed files under {@code <dataDir>/artifacts}
     * @param maxObjectBytes    the largest object or artifact accepted
     * @param retention         which executions' artifacts are removed
     * @param retentionInterval how often retention runs
     */
    public record ArtifactSettings(java.net.URI externalEndpoint, long maxObjectBytes, dev.conveyor.artifacts.RetentionPolicy retention,
                                   Duration retentionInterval) {
        /** Local files, objects up to 5 TiB (S3's limit), everything kept. */
        public static ArtifactSettings defaults() {
            return new ArtifactSettings(null, 5L << 40, dev.conveyor.artifacts.RetentionPolicy.KEEP_ALL, Duration.ofHours(1));
        }
    }

    /**
     * How executions run.
     *
     * @param embeddedAgent   whether this server runs built-in providers itself (off: remote agents only)
     * @param agentCapacity   how many jobs the embedded agent runs at once
     * @param approvalTimeout how long a manual approval waits (CodePipeline: 7 days)
     * @param leaseDuration   how long a worker may be silent before its job is offered again
     * @param sweepInterval   how often timeouts and lost workers are checked
     * @param acknowledgeTimeout how long a job polled by a job worker waits for its acknowledgement before it is offered again
     */
    public record EngineSettings(boolean embeddedAgent, int agentCapacity, Duration approvalTimeout, Duration leaseDuration,
                                 Duration sweepInterval, Duration acknowledgeTimeout) {
        public static EngineSettings defaults() {
            return new EngineSettings(true, Math.max(2, Runtime.getRuntime().availableProcessors() * 2), Duration.ofDays(7),
                    Duration.ofSeconds(30), Duration.ofSeconds(1));
        }

        /** Settings with the default acknowledgement timeout. */
        public EngineSettings(boolean embeddedAgent, int agentCapacity, Duration approvalTimeout, Duration leaseDuration,
                              Duration sweepInterval) {
            this(embeddedAgent, agentCapacity, approvalTimeout, leaseDuration, sweepInterval,
                    dev.conveyor.engine.EngineConfig.DEFAULT_ACKNOWLEDGE_TIMEOUT);
        }

        public EngineSettings withAcknowledgeTimeout(Duration timeout) {
            return new EngineSettings(embeddedAgent, agentCapacity, approvalTimeout, leaseDuration, sweepInterval, timeout);
        }
    }

    /** Defaults for a server on the loopback interface with the embedded database. */
    public static ServerConfig embedded(Path dataDir, int port) {
        return new ServerConfig("127.0.0.1", port, dataDir, null, DEFAULT_REGION, DEFAULT_ACCOUNT_ID, EngineSettings.defaults(),
                ArtifactSettings.defaults(), SourceSettings.defaults(), TlsSettings.off(), AuthSettings.defaults());
    }

    public ServerConfig withDatabaseUrl(String url) {
        return new ServerConfig(bindAddress, port, dataDir, url, region, accountId, engine, artifacts, sources, tls, auth);
    }

    public ServerConfig withEngine(EngineSettings settings) {
        return new ServerConfig(bindAddress, port, dataDir, databaseUrl, region, accountId, settings, artifacts, sources, tls, auth);
    }

    public ServerConfig withArtifacts(ArtifactSettings settings) {
        return new ServerConfig(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, settings, sources, tls, auth);
    }

    public ServerConfig withSources(SourceSettings settings) {
        return new ServerConfig(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, settings, tls, auth);
    }

    public ServerConfig withAuth(AuthSettings settings) {
        return new ServerConfig(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, sources, tls, settings);
    }

    public ServerConfig withTls(TlsSettings settings) {
        return new ServerConfig(bindAddress, port, dataDir, databaseUrl, region, accountId, engine, artifacts, sources, settings, auth);
    }
}
