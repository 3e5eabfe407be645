/**
 * CodeBuild builds: the pipeline action (Build and Test categories), the runner that takes a buildspec through its
 * phases on the host or in a container, and what a build produces (artifacts, reports, exported variables, cache).
 * What only the server knows (projects, secrets, build numbers) is asked through a {@link
 * dev.conveyor.providers.codebuild.BuildCoordinator}, so the same runner serves pipeline jobs on any agent and
 * builds the server starts itself.
 */
package dev.conveyor.providers.codebuild;
