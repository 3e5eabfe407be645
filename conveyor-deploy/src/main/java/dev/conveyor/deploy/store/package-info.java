/** The deployments' tables (own Flyway location {@code db/deploy}, history table {@code deploy_schema_history}) and their repository. */
package dev.conveyor.deploy.store;
