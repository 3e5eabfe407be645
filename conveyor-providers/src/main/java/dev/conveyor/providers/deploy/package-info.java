/** Deploy providers: CodeDeploy (through the server's deployments) and S3 (into a bucket of the server's object store). */
package dev.conveyor.providers.deploy;
