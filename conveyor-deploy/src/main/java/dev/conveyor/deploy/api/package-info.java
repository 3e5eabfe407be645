/** The CodeDeploy API subset: operations over JSON already checked against botocore's codedeploy model. No state machine here. */
package dev.conveyor.deploy.api;
