package dev.conveyor.iam.api;

/** What to answer: an HTTP status and an XML document (text/xml). */
public record QueryResponse(int status, String xml) {
}
