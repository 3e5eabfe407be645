/**
 * The CodeBuild API subset pipelines and their users rely on ({@code CodeBuild_20161006}): projects, builds (those
 * of pipelines and those started with StartBuild, which run here on the server), reports and test cases; the answers
 * to what a pipeline's CodeBuild action asks while it runs on an agent (its project, secrets, and its record); and
 * each build's log. The builds themselves run in {@code dev.conveyor.providers.codebuild}.
 */
package dev.conveyor.server.codebuild;
