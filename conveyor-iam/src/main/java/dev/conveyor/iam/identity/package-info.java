/**
 * Who is who: users, roles, access keys and role sessions as the IAM and STS operations manage them, AWS-shaped
 * ids, secrets sealed under the keyring, and the first-start administrator. Validation of API input happens before
 * these methods are called; they enforce the rules that need the database (existence, limits, conflicts).
 */
package dev.conveyor.iam.identity;
