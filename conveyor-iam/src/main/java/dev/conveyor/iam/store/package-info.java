/**
 * IAM's tables and their repositories over JDBC (the same SQL on H2 and PostgreSQL): users, roles, access keys,
 * managed policies and versions, attachments, inline policies and AssumeRole sessions. Rows hold secrets only
 * sealed ({@link dev.conveyor.iam.store.SealedSecret}); nothing here encrypts, validates or decides access.
 */
package dev.conveyor.iam.store;
