package dev.conveyor.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.audit.store.StoredEvent;
import dev.conveyor.model.json.ConveyorJson;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Turns a call into the CloudTrail record LookupEvents hands out as {@code CloudTrailEvent}: the same members AWS
 * writes for a management event ({@code userIdentity}, {@code eventTime}, {@code requestParameters}, {@code errorCode},
 * {@code requestID}, {@code eventID}, …). Response elements are never kept: they may hold secrets (CreateAccessKey's).
 */
final class CloudTrailRecords {
    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final String region;
    private final String accountId;

    CloudTrailRecords(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
    }

    StoredEvent toStored(AuditEvent event, CallerIdentity identity) {
        String eventId = UUID.randomUUID().toString();
        ObjectNode record = mapper.createObjectNode();
        record.put("eventVersion", "1.08");
        ObjectNode who = record.putObject("userIdentity");
        who.put("type", identity.type());
        putIfPresent(who, "principalId", identity.principalId());
        putIfPresent(who, "arn", identity.arn());
        putIfPresent(who, "accountId", identity.accountId());
        putIfPresent(who, "accessKeyId", event.accessKeyId());
        putIfPresent(who, "userName", identity.userName());
        record.put("eventTime", event.eventTime().truncatedTo(ChronoUnit.SECONDS).toString());
        record.put("eventSource", event.eventSource());
        record.put("eventName", event.eventName());
        record.put("awsRegion", region);
        putIfPresent(record, "sourceIPAddress", event.sourceIp());
        putIfPresent(record, "userAgent", event.userAgent());
        putIfPresent(record, "errorCode", event.errorCode());
        putIfPresent(record, "errorMessage", event.errorMessage());
        record.set("requestParameters", event.requestParameters());
        record.putNull("responseElements");
        putIfPresent(record, "requestID", event.requestId());
        record.put("eventID", eventId);
        record.put("readOnly", event.readOnly());
        if (!event.resources().isEmpty()) {
            ArrayNode resources = record.putArray("resources");
            event.resources().forEach(r -> resources.addObject().put("type", r.type()).put("name", r.name()));
        }
        record.put("eventType", "AwsApiCall");
        record.put("managementEvent", true);
        record.put("recipientAccountId", accountId);
        record.put("eventCategory", "Management");
        if (event.secureTransport()) {
            record.putObject("tlsDetails").put("clientProvidedHostHeader", "");
        }
        return new StoredEvent(0, eventId, event.eventTime(), event.eventSource(), event.eventName(), identity.userName(),
                event.accessKeyId(), event.readOnly(), event.errorCode(), record.toString(), event.resources());
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
