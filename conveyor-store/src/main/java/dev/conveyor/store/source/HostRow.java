package dev.conveyor.store.source;

import java.time.Instant;

/**
 * A CodeConnections host: a git server reached at {@code providerEndpoint}.
 *
 * @param id the last part of the ARN ({@code host/<id>}), the same under both services' ARNs
 */
public record HostRow(String id, String arn, String name, String providerType, String providerEndpoint, String status,
                      Instant createdAt) {
}
