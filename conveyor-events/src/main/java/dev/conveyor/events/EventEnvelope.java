package dev.conveyor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * EventBridge's envelope, the same around every event whatever sent it (EventBridge user guide, "Amazon EventBridge
 * events"): {@code version} 0, {@code id}, {@code detail-type}, {@code source}, {@code account}, {@code time} (in
 * seconds), {@code region}, {@code resources} and {@code detail}, in that order. The one place the events of
 * CodePipeline, CodeDeploy and S3, schedules' and PutEvents' are wrapped.
 */
public record EventEnvelope(String region, String accountId) {
    /** The event: {@code detail} wrapped; {@code id} is the event's de-duplication id. */
    public ObjectNode around(JsonNode detail, String id, String source, String detailType, Instant time, Iterable<String> resources) {
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", accountId);
        event.put("time", Json.seconds(time));
        event.put("region", region);
        ArrayNode listed = event.putArray("resources");
        resources.forEach(listed::add);
        event.set("detail", detail);
        return event;
    }
}
