package dev.conveyor.model.pipeline;

/** Category, owner, provider and version: the identity of an action type. */
public record ActionTypeId(String category, String owner, String provider, String version) {
    @Override
    public String toString() {
        return "(Category: '%s', Provider: '%s', Owner: '%s', Version: '%s')".formatted(category, provider, owner, version);
    }
}
