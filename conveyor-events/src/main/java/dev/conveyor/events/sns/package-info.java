/**
 * SNS's subset: topics, subscriptions (http/https with the SubscriptionConfirmation handshake, email and email-json
 * over SMTP), Publish, and the signing of messages (SignatureVersion 1 and 2) with a key whose certificate Conveyor
 * serves at SigningCertURL. The AWS Query protocol (XML answers) is spoken by {@link dev.conveyor.events.sns.SnsApi}.
 */
package dev.conveyor.events.sns;
