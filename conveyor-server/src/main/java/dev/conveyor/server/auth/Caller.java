package dev.conveyor.server.auth;

/** Who made a request: the access key id it was signed with, or "anonymous". */
public record Caller(String accessKeyId) {
    public static final Caller ANONYMOUS = new Caller("anonymous");
}
