/**
 * CodeBuild buildspec files (version 0.2) read into records, with every mistake reported by file, line and reason.
 * Parsing only: nothing here runs a command or touches a workspace.
 */
package dev.conveyor.providers.codebuild.buildspec;
