/**
 * Git hosting, the local equivalent of CodeCommit: bare repositories under the data directory served over git's
 * smart HTTP protocol at {@code /v1/repos/<name>}, created by the first push. What a push starts is not decided
 * here: pushes are reported to a {@link dev.conveyor.server.git.PushListener}.
 */
package dev.conveyor.server.git;
