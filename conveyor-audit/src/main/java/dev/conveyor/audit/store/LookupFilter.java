package dev.conveyor.audit.store;

/** One of LookupEvents' attributes and the value an event's must equal. */
public record LookupFilter(Attribute attribute, String value) {
    /** LookupEvents' attribute keys, as the API spells them. */
    public enum Attribute { EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId }
}
