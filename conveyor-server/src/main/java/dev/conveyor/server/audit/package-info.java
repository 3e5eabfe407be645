/**
 * What the server tells the audit trail (conveyor-audit): each answered call described once, by whichever protocol
 * served it (AWS JSON, S3, IAM/STS Query, webhooks, git push), and which calls are worth keeping. Storage and the
 * CloudTrail API live in conveyor-audit, not here.
 */
package dev.conveyor.server.audit;
