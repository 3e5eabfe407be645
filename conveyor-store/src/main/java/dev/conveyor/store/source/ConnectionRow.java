package dev.conveyor.store.source;

import java.time.Instant;

/**
 * A CodeConnections connection: to a host ({@code hostId}) or to a provider's public service (no host).
 *
 * @param id the UUID at the end of the ARN ({@code connection/<id>}), the same under both services' ARNs
 */
public record ConnectionRow(String id, String arn, String name, String providerType, String hostId, String status,
                            Instant createdAt) {
}
