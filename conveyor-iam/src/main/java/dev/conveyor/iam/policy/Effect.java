package dev.conveyor.iam.policy;

/** A statement's effect, spelled as in policy documents. */
public enum Effect { Allow, Deny }
