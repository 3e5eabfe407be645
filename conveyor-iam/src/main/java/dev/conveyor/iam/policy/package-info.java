/**
 * IAM policy documents as values, their parser and their evaluation: pure code with no I/O, no clock and no
 * database, so every rule (explicit deny wins, default deny, wildcards, NotAction/NotResource, conditions, policy
 * variables) is unit-tested on its own. What the documents are attached to lives in the identity package.
 */
package dev.conveyor.iam.policy;
