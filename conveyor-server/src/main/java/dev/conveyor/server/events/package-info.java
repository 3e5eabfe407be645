/**
 * HTTP for conveyor-events: SNS's Query protocol and CodeStar Notifications' REST-JSON (requests signed for
 * {@code sns} and {@code codestar-notifications}), the unsigned links SNS messages carry (SigningCertURL,
 * SubscribeURL, UnsubscribeURL), the live event streams (SSE) and dead letters, and the approval pages. The logic
 * lives in conveyor-events; this package only adapts servlet requests.
 */
package dev.conveyor.server.events;
